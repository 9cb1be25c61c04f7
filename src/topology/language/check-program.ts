import type { FieldType } from '../../pipeline/program/types.js';
import { checkOutputs, checkRequiredOutputs } from '../check-outputs.js';
import { checkAggregates } from './check-aggregates.js';
import type { CheckContext } from './check-context.js';
import { checkEventPaths, schemaEventTypes } from './check-input.js';
import { checkMachine } from './check-machine.js';
import { checkQueries } from './check-queries.js';
import { checkState } from './check-state.js';
import { located, type LocatedIssue } from './located-issue.js';
import type { LanguageData } from './schema.js';

/** The stored field that holds the key: `state.key`, else the last segment of `input.key`. */
export function keyFieldOf(data: LanguageData): string {
  return data.state.key ?? data.input.key.split('.').at(-1) ?? data.input.key;
}

/** The one field of `type: status` (the first, when the file wrongly declares several). */
export function statusFieldOf(data: LanguageData): string | undefined {
  return Object.entries(data.state.fields).find(([, f]) => f.type === 'status')?.[0];
}

/**
 * The checks a schema cannot express: names that must refer to something declared, the state
 * machine's shape, the types refs read, and outputs. `schema` is undefined when the events'
 * schema did not load, and the checks against it are skipped. Every problem is collected.
 */
export function checkProgram(
  data: LanguageData,
  schema: Record<string, unknown> | undefined,
  doc: unknown,
): LocatedIssue[] {
  const fields = new Map<string, FieldType>();
  for (const [name, field] of Object.entries(data.state.fields)) {
    if (field.type !== 'status') fields.set(name, field.type);
  }
  const ctx: CheckContext = {
    data,
    doc,
    schema,
    keyField: keyFieldOf(data),
    statusField: statusFieldOf(data),
    fields,
    eventTypes: schema && schemaEventTypes(data.input, schema),
    issues: schema ? checkEventPaths(data.input, schema) : [],
  };
  checkState(ctx);
  checkMachine(ctx);
  checkAggregates(ctx);
  checkQueries(ctx);
  const outputs = data.outputs;
  const outputIssues = [
    ...checkOutputs(data.input.topic, outputs, { field: 'input.topic', words: 'the input topic' }),
    ...checkRequiredOutputs({
      windows: data.aggregates.some((a) => a.windows !== undefined) ? true : undefined,
      aggregates: data.aggregates.map((a) => a.name),
      outputs,
    }),
  ];
  for (const i of outputIssues) {
    ctx.issues.push(located(i.path.split('.'), i.expected ?? '', i.got ?? ''));
  }
  return ctx.issues;
}
