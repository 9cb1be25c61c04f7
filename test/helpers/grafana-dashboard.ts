import { readFileSync } from 'node:fs';

/**
 * Enough of Grafana's handling of a Prometheus dashboard to run its queries without Grafana:
 * variable queries resolved through the same HTTP endpoints Grafana calls, and variables
 * substituted into expressions with the Prometheus datasource's escaping. Tests then check
 * that what an operator would see is not an empty panel.
 */

export interface DashboardTarget {
  refId?: string;
  expr?: string;
  hide?: boolean;
}

export interface DashboardPanel {
  type: string;
  title?: string;
  targets?: DashboardTarget[];
  /** A row's children (kept here when the row is collapsed). */
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  regex?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  current?: { value?: string | string[] };
}

export interface Dashboard {
  uid: string;
  title: string;
  time?: { from: string; to: string };
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

/** The part of a Prometheus server variable queries need (PrometheusServer has it). */
export interface VariableSource {
  labelValues(
    label: string,
    options?: { match?: string; start?: Date; end?: Date },
  ): Promise<string[]>;
  query(expr: string): Promise<
    | {
        resultType: 'vector';
        result: { metric: Record<string, string>; value: [number, string] }[];
      }
    | { resultType: 'matrix'; result: unknown[] }
    | { resultType: 'scalar' | 'string'; result: [number, string] }
  >;
}

export function loadDashboard(file: string | URL): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Panels that draw data: rows only group them. */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export function variableQuery(variable: DashboardVariable): string {
  return typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
}

/**
 * What Grafana puts in place of its interval variables. Fixed values instead of ones derived
 * from panel width: the check is that a query has data, not how Grafana picks a resolution.
 */
export const builtinVariables: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '5m',
  __range_s: '300',
  __range_ms: '300000',
};

/**
 * Which values of each variable are selected: `saved` is the selection stored in the
 * dashboard (what a fresh load shows, "All" here), `every-value` picks each resolved value
 * explicitly, which exercises the escaping of real values (dots in `instance`) instead of `.*`.
 */
export type SelectionMode = 'saved' | 'every-value';

export interface ResolvedVariable {
  variable: DashboardVariable;
  /** The expression text the variable query ran as, variables substituted. */
  query: string;
  /** Every value the query returned. */
  options: string[];
  /** "All" (the variable's allValue, or every option) or the listed values. */
  selected: { all: true } | { all: false; values: string[] };
}

const ALL = '$__all';

/**
 * Grafana's Prometheus datasource escaping: a multi-value or include-all variable becomes a
 * regex, so the characters regexes treat specially are escaped (twice: once for the regex,
 * once for the PromQL string literal it sits in).
 */
function regexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

function formatValue(variable: DashboardVariable, resolved: ResolvedVariable): string {
  const { selected } = resolved;
  // A custom all value is substituted verbatim: it is already a regex.
  if (selected.all && variable.allValue) return variable.allValue;
  const values = selected.all ? resolved.options : selected.values;
  if (!variable.multi && !variable.includeAll) {
    return (values[0] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  }
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}

// Grafana's variable syntaxes: $name, [[name]] and ${name} (fieldPath and :format not used here).
const variableReference =
  /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/**
 * Substitutes variables into an expression. An unknown variable, a datasource variable or a
 * format modifier throws: an expression Grafana would send with a literal `$x` in it is a bug
 * in the dashboard, not something to send to Prometheus.
 */
export function interpolate(
  expr: string,
  variables: ReadonlyMap<string, ResolvedVariable>,
  builtins: Readonly<Record<string, string>> = builtinVariables,
): string {
  return expr.replace(variableReference, (whole, ...groups: (string | undefined)[]) => {
    const [plain, bracket, bracketFormat, braced, fieldPath, format] = groups;
    const name = plain ?? bracket ?? braced ?? '';
    if (bracketFormat ?? fieldPath ?? format) {
      throw new Error(`${whole}: variable formats are not supported by this check`);
    }
    const builtin = builtins[name];
    if (builtin !== undefined) return builtin;
    const resolved = variables.get(name);
    if (!resolved) throw new Error(`${whole}: no such variable (or not resolved yet)`);
    if (resolved.variable.type === 'datasource') {
      throw new Error(`${whole}: a datasource variable has no place in an expression`);
    }
    return formatValue(resolved.variable, resolved);
  });
}

/** `now`, `now-30m`, `now-6h`...: the dashboard's time range, which label queries are bound to. */
function relativeTime(text: string, now: number): Date {
  const match = /^now(?:-(\d+)([smhdw]))?$/.exec(text);
  if (!match) throw new Error(`time "${text}" is not of the form now or now-<n><unit>`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] ?? 's'] ?? 1;
  return new Date(now - Number(match[1] ?? 0) * unit * 1000);
}

/** Grafana's text for one sample of a `query_result()` variable. */
function sampleText(metric: Record<string, string>, value: [number, string]): string {
  const { __name__: name = '', ...labels } = metric;
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return `${name}{${pairs.join(',')}} ${value[1]} ${value[0] * 1000}`;
}

/** The variable's `regex` filter: `/re/flags`; the first capture group is the value if any. */
function applyRegex(values: string[], regex: string | undefined): string[] {
  if (!regex) return values;
  const parts = /^\/(.*)\/([gimsuy]*)$/s.exec(regex);
  const re = parts ? new RegExp(parts[1] ?? '', parts[2]) : new RegExp(regex);
  return values.flatMap((v) => {
    const m = re.exec(v);
    if (!m) return [];
    return [m.groups?.value ?? m.groups?.text ?? m[1] ?? m[0]];
  });
}

/** Runs one variable query the way Grafana's Prometheus datasource does. */
export async function runVariableQuery(
  query: string,
  source: VariableSource,
  range: { start: Date; end: Date },
): Promise<string[]> {
  const labelValues = /^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)\s*$/s.exec(query);
  if (labelValues) {
    const [, match, label = ''] = labelValues;
    return source.labelValues(label, match === undefined ? range : { ...range, match });
  }
  const queryResult = /^query_result\((.+)\)\s*$/s.exec(query);
  if (queryResult) {
    const data = await source.query(queryResult[1] ?? '');
    if (data.resultType === 'scalar' || data.resultType === 'string') return [data.result[1]];
    if (data.resultType !== 'vector') throw new Error(`${query}: a ${data.resultType} result`);
    return data.result.map((s) => sampleText(s.metric, s.value));
  }
  const metrics = /^metrics\((.*)\)\s*$/s.exec(query);
  if (metrics) {
    const names = await source.labelValues('__name__', range);
    const re = new RegExp(metrics[1] ?? '');
    return names.filter((n) => re.test(n));
  }
  throw new Error(`variable query "${query}" is not one this check knows how to run`);
}

/**
 * Resolves every query variable in dashboard order (a variable may use the ones before it),
 * each with the selection `mode` asks for. Datasource variables are kept, unresolved, so that
 * an expression using one is reported.
 */
export async function resolveVariables(
  dashboard: Dashboard,
  source: VariableSource,
  mode: SelectionMode,
  now = Date.now(),
): Promise<Map<string, ResolvedVariable>> {
  const range = {
    start: relativeTime(dashboard.time?.from ?? 'now-6h', now),
    end: relativeTime(dashboard.time?.to ?? 'now', now),
  };
  const resolved = new Map<string, ResolvedVariable>();
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'datasource') {
      resolved.set(variable.name, { variable, query: '', options: [], selected: { all: true } });
      continue;
    }
    if (variable.type !== 'query') {
      throw new Error(`variable $${variable.name}: type ${variable.type} is not supported here`);
    }
    const query = interpolate(variableQuery(variable), resolved);
    const raw = await runVariableQuery(query, source, range);
    const options = [...new Set(applyRegex(raw, variable.regex))];
    resolved.set(variable.name, {
      variable,
      query,
      options,
      selected: select(variable, options, mode),
    });
  }
  return resolved;
}

function select(
  variable: DashboardVariable,
  options: string[],
  mode: SelectionMode,
): ResolvedVariable['selected'] {
  const saved = variable.current?.value;
  const savedValues = saved === undefined ? [] : Array.isArray(saved) ? saved : [saved];
  if (mode === 'saved') {
    if (variable.includeAll && savedValues.includes(ALL)) return { all: true };
    const kept = savedValues.filter((v) => options.includes(v));
    // Grafana falls back to the first option when the saved one no longer exists.
    return { all: false, values: kept.length > 0 ? kept : options.slice(0, 1) };
  }
  return { all: false, values: variable.multi ? options : options.slice(0, 1) };
}
