/**
 * The records a program's fold publishes (docs/language.md, "Outputs"): status changes,
 * anomalies, changed aggregate groups, closed windows and late transitions. Ids come from the
 * source position only, so a replayed batch derives byte-identical records (the `sf-id` header).
 * For the orders program the status and anomaly records are those of the order wire contract.
 */
import { SfHeaders } from '../headers.js';
import type { DerivedRecord, SourceRecord } from '../types.js';
import { groupKeyOf } from './json-text.js';
import { metricView } from './partials.js';
import type { ProgramWindowResult } from './program-windows.js';
import type {
  Aggregate,
  GroupPartial,
  JsonValue,
  KeyState,
  Metric,
  MetricPartial,
  Program,
  ProgramEvent,
} from './types.js';

function derived(
  id: string,
  topic: string,
  key: string | Buffer | null,
  value: string | Buffer,
  headers: Record<string, string> = {},
): DerivedRecord {
  return { topic, key, value, headers: { ...headers, [SfHeaders.ID]: id }, id };
}

/** `status` → `previousStatus`: the field of a status record that holds the state before. */
export function previousField(statusField: string): string {
  return `previous${statusField.charAt(0).toUpperCase()}${statusField.slice(1)}`;
}

/** Builds the status records of one program: its field names encoded once. */
export type StatusRecordWriter = (
  id: string,
  topic: string,
  event: ProgramEvent,
  state: KeyState,
  previousStatus: string,
) => DerivedRecord;

/**
 * One applied transition: `{ <key field>, <status field>, previous<Status>, eventId, timestamp }`
 * (`previous…` is null for a key's first event), keyed by the key. The JSON is joined from
 * parts encoded once per program: an object with computed keys is far slower to stringify, and
 * this runs for every applied event.
 */
export function statusRecordWriter(program: Program): StatusRecordWriter {
  const { keyField, statusField } = program.state;
  const { initial } = program.machine;
  const keyPart = `{${JSON.stringify(keyField)}:`;
  const statusPart = `,${JSON.stringify(statusField)}:`;
  const previousPart = `,${JSON.stringify(previousField(statusField))}:`;
  return (id, topic, event, state, previousStatus) => {
    const previous = previousStatus === initial ? 'null' : JSON.stringify(previousStatus);
    const value =
      `${keyPart}${JSON.stringify(event.key)}${statusPart}${JSON.stringify(state.status)}` +
      `${previousPart}${previous},"eventId":${JSON.stringify(event.eventId)},` +
      `"timestamp":${JSON.stringify(event.time)}}`;
    return derived(id, topic, event.key, value);
  };
}

/** One status record; see `statusRecordWriter`, which a fold should use. */
export function programStatusRecord(
  program: Program,
  id: string,
  topic: string,
  event: ProgramEvent,
  state: KeyState,
  previousStatus: string,
): DerivedRecord {
  return statusRecordWriter(program)(id, topic, event, state, previousStatus);
}

/** A valid event the machine refused: the reason, the event, and where it was read. */
export function programAnomalyRecord(
  id: string,
  topic: string,
  event: ProgramEvent,
  reason: string,
  source: SourceRecord,
): DerivedRecord {
  const value = JSON.stringify({
    reason,
    event: event.value,
    source: { topic: source.topic, partition: source.partition, offset: source.offset },
  });
  return derived(id, topic, event.key, value);
}

/** A group's values as a query shows them: group field name → value, then every metric. */
export function groupView(
  aggregate: Aggregate,
  values: readonly JsonValue[],
  partial: GroupPartial,
): Record<string, JsonValue> {
  const view: Record<string, JsonValue> = {};
  aggregate.groupBy.forEach((g, i) => {
    view[g.name] = values[i] ?? null;
  });
  for (const metric of aggregate.metrics) {
    view[metric.name] = metricView(metric, partial[metric.name] ?? null);
  }
  return view;
}

export interface AggregateUpdate {
  readonly aggregate: Aggregate;
  readonly partition: number;
  readonly values: readonly JsonValue[];
  /** The group's partial before the batch; undefined for a group the batch created. */
  readonly before?: GroupPartial | undefined;
  readonly partial: GroupPartial;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/**
 * What a batch added to a count or a sum: a number, or per entry of a `by` map (an entry the
 * batch did not change is left out). The other kinds have no delta.
 */
function metricDelta(
  metric: Metric,
  before: MetricPartial | undefined,
  after: MetricPartial | undefined,
): JsonValue | undefined {
  if (metric.kind !== 'count' && metric.kind !== 'sum') return undefined;
  if (metric.by === undefined)
    return ((after as number | null) ?? 0) - ((before as number | null) ?? 0);
  const a = (after ?? {}) as Readonly<Record<string, number>>;
  const b = (before ?? {}) as Readonly<Record<string, number>>;
  const delta: Record<string, number> = {};
  for (const entry of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const d = (a[entry] ?? 0) - (b[entry] ?? 0);
    if (d !== 0 || !Object.hasOwn(b, entry)) delta[entry] = d;
  }
  return delta;
}

/**
 * One group a batch changed, in one partition: `{ aggregate, partition, group, value, delta,
 * firstOffset, lastOffset }` with `group` the group fields, `value` the metrics of the
 * partition's partial after the batch and `delta` what the batch added to each count and sum;
 * keyed by the group. For the orders program's revenue this is the wire contract's revenue
 * update: per batch and currency, the delta and the partition's new subtotal.
 */
export function aggregateUpdateRecord(
  id: string,
  topic: string,
  u: AggregateUpdate,
): DerivedRecord {
  const group: Record<string, JsonValue> = {};
  u.aggregate.groupBy.forEach((g, i) => {
    group[g.name] = u.values[i] ?? null;
  });
  const value: Record<string, JsonValue> = {};
  const delta: Record<string, JsonValue> = {};
  for (const metric of u.aggregate.metrics) {
    value[metric.name] = metricView(metric, u.partial[metric.name] ?? null);
    const d = metricDelta(metric, u.before?.[metric.name], u.partial[metric.name]);
    if (d !== undefined) delta[metric.name] = d;
  }
  const body = JSON.stringify({
    aggregate: u.aggregate.name,
    partition: u.partition,
    group,
    value,
    delta,
    firstOffset: u.firstOffset,
    lastOffset: u.lastOffset,
  });
  return derived(id, topic, groupKeyOf(u.values), body);
}

/**
 * The final result of one window of one aggregate in one partition; key
 * `<aggregate>/<size>/<start>`. A window closes once per partition, so its id needs no offset.
 */
export function programWindowRecord(
  sourceTopic: string,
  topic: string,
  partition: number,
  aggregate: Aggregate,
  result: ProgramWindowResult,
): DerivedRecord {
  const name = `${result.aggregate}/${result.size}/${result.start}`;
  const id = `${sourceTopic}/${partition}/window/${name}`;
  const groups: Record<string, Record<string, JsonValue>> = {};
  for (const [group, partial] of Object.entries(result.groups)) {
    const values: Record<string, JsonValue> = {};
    for (const metric of aggregate.metrics) {
      values[metric.name] = metricView(metric, partial[metric.name] ?? null);
    }
    groups[group] = values;
  }
  const value = JSON.stringify({
    aggregate: result.aggregate,
    partition,
    size: result.size,
    sizeMs: result.sizeMs,
    start: result.start,
    end: result.end,
    groups,
    closedBy: result.closedBy,
  });
  return derived(id, topic, name, value);
}
