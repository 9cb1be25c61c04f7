/**
 * The PromQL pieces every streamfold dashboard repeats: matchers on the dashboard variables and
 * the selector of a topology's own label values.
 */

/** `label=~"$label"` for each variable, in the order given (Grafana substitutes a regex). */
export function onVariables(...labels: readonly string[]): string {
  return labels.map((label) => `${label}=~"$${label}"`).join(', ');
}

/** A label matched to one fixed value, as a topology dashboard pins its own names. */
export function equals(label: string, value: string): string {
  return `${label}="${escapeString(value)}"`;
}

/** A label matched to any of fixed values: a regex, its metacharacters escaped. */
export function oneOf(label: string, values: readonly string[]): string {
  const alternatives = values.map((v) => escapeString(v.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')));
  return `${label}=~"${alternatives.join('|')}"`;
}

function escapeString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** `metric{matchers}`; matchers already joined by the helpers above. */
export function select(metric: string, ...matchers: readonly string[]): string {
  return `${metric}{${matchers.filter((m) => m !== '').join(', ')}}`;
}

/** The three percentiles latency panels show, with their legends. */
export const percentiles = [
  { quantile: '0.5', legend: 'p50' },
  { quantile: '0.95', legend: 'p95' },
  { quantile: '0.99', legend: 'p99' },
] as const;

/** A counter's per-second rate over Grafana's `$__rate_interval` (never a fixed window). */
export const rate = (selector: string): string => `rate(${selector}[$__rate_interval])`;

/** A counter's increase per `$__rate_interval`: for rare events, counted rather than per second. */
export const increase = (selector: string): string => `increase(${selector}[$__rate_interval])`;

/** p50, p95 and p99 of a histogram, summed over workers and every label not grouped `by`. */
export function quantiles(
  bucket: string,
  by: readonly string[] = [],
  legendPrefix = '',
): { expr: string; legend: string }[] {
  return percentiles.map(({ quantile, legend }) => ({
    expr: `histogram_quantile(${quantile}, sum by (${['le', ...by].join(', ')}) (${rate(bucket)}))`,
    legend: `${legendPrefix}${legend}`,
  }));
}
