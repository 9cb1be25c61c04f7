import { checkCondition } from './check-condition.js';
import {
  checkRef,
  refTypes,
  refTypeWords,
  report,
  typesUnknown,
  type CheckContext,
} from './check-context.js';
import { refName, parseRef } from './refs.js';
import { MetricKindFields, type LanguageData, type MetricData } from './schema.js';
import type { JsonType } from './schema-paths.js';

type AggregateData = LanguageData['aggregates'][number];

const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The kind of a metric (the schema makes sure there is exactly one). */
export function metricKind(metric: MetricData): (typeof MetricKindFields)[number] {
  return MetricKindFields.find((kind) => metric[kind] !== undefined) ?? 'count';
}

/** A group field's name and ref text: `state.currency` → currency; `{ cur: state.currency }`. */
export function groupEntry(item: string | Record<string, string>): { name?: string; text: string } {
  if (typeof item === 'string') {
    const ref = parseRef(item);
    return ref === undefined ? { text: item } : { name: refName(ref), text: item };
  }
  const [name, text] = Object.entries(item)[0] ?? ['', ''];
  return { name, text };
}

function only(types: ReadonlySet<JsonType> | undefined, allowed: readonly JsonType[]): boolean {
  return types !== undefined && [...types].every((t) => t === 'null' || allowed.includes(t));
}

function checkMetric(
  ctx: CheckContext,
  metric: MetricData,
  at: readonly PropertyKey[],
  groupNames: ReadonlyMap<string, number>,
  name: string,
): void {
  const kind = metricKind(metric);
  if (!METRIC_NAME.test(name)) {
    report(
      ctx,
      at,
      'a metric name of 1-64 letters, digits and "_", not starting with a digit',
      JSON.stringify(name),
      'key',
    );
  }
  const clash = groupNames.get(name);
  if (clash !== undefined) {
    report(
      ctx,
      at,
      'a metric name no group field uses',
      `"${name}" (also groupBy.${clash})`,
      'key',
    );
  }
  const read = kind === 'count' ? undefined : metric[kind];
  // A state metric's contribution is taken out and put back as the state changes: it can only
  // be read from the state (docs/language.md#aggregates).
  const stateOnly =
    metric.while === undefined ? {} : { stateOnly: 'a state metric reads the state only' };
  const checked = read === undefined ? undefined : checkRef(ctx, read, [...at, kind], stateOnly);
  const ref = checked && !typesUnknown(ctx, checked) ? checked : undefined;
  if (ref !== undefined && kind === 'sum' && !only(refTypes(ctx, ref), ['integer'])) {
    report(
      ctx,
      [...at, kind],
      'an integer ref for sum (money stays integer)',
      `${JSON.stringify(read)} (${refTypeWords(ctx, ref)})`,
    );
  }
  if (
    ref !== undefined &&
    (kind === 'min' || kind === 'max') &&
    !only(refTypes(ctx, ref), ['integer', 'number'])
  ) {
    report(
      ctx,
      [...at, kind],
      `a number ref for ${kind}`,
      `${JSON.stringify(read)} (${refTypeWords(ctx, ref)})`,
    );
  }
  const countOrSum = kind === 'count' || kind === 'sum';
  if (metric.while !== undefined) {
    if (!countOrSum) {
      report(
        ctx,
        [...at, 'while'],
        'while on a count or sum only',
        `a while on a ${kind} metric`,
        'key',
      );
    } else if (metric.when !== undefined) {
      report(ctx, [...at, 'when'], 'either when or while (they do not mix)', 'both', 'key');
    }
    checkCondition(ctx, metric.while, [...at, 'while'], 'a while condition reads the state only');
  }
  if (metric.by !== undefined) {
    if (!countOrSum)
      report(ctx, [...at, 'by'], 'by on a count or sum only', `a by on a ${kind} metric`, 'key');
    checkRef(ctx, metric.by, [...at, 'by'], stateOnly);
  }
  if (metric.when !== undefined) checkFilter(ctx, metric.when, [...at, 'when']);
}

function checkFilter(
  ctx: CheckContext,
  when: NonNullable<MetricData['when']>,
  at: readonly PropertyKey[],
): void {
  const { machine } = ctx.data.state;
  const states = machine.states.filter((s) => s !== machine.initial);
  const lists = [
    ['from', [machine.initial, ...states]],
    ['to', states],
  ] as const;
  for (const [part, allowed] of lists) {
    for (const [i, name] of (when[part] ?? []).entries()) {
      if (!allowed.includes(name)) {
        report(
          ctx,
          [...at, part, i],
          `one of the states ${[...new Set(allowed)].join(', ')}`,
          JSON.stringify(name),
        );
      }
    }
  }
  const types = ctx.eventTypes;
  for (const [i, type] of (when.on ?? []).entries()) {
    if (types !== undefined && !types.includes(type)) {
      report(
        ctx,
        [...at, 'on', i],
        `one of the event types ${types.join(', ')}`,
        JSON.stringify(type),
      );
    }
  }
  if (when.where !== undefined) checkCondition(ctx, when.where, [...at, 'where']);
}

function checkAggregate(
  ctx: CheckContext,
  aggregate: AggregateData,
  at: readonly PropertyKey[],
): void {
  const stateMetric = Object.entries(aggregate.metrics).find(([, m]) => m.while !== undefined)?.[0];
  const groupNames = new Map<string, number>();
  for (const [i, item] of aggregate.groupBy.entries()) {
    const { name, text } = groupEntry(item);
    const here =
      typeof item === 'string' ? [...at, 'groupBy', i] : [...at, 'groupBy', i, name ?? ''];
    const stateOnly = stateMetric && `the aggregate has the state metric ${stateMetric}`;
    const ref = checkRef(ctx, text, here, stateOnly ? { stateOnly } : {});
    if (ref === undefined || name === undefined) continue;
    const earlier = groupNames.get(name);
    if (earlier !== undefined) {
      report(
        ctx,
        [...at, 'groupBy', i],
        'a group field name no other group field uses',
        `"${name}" (also groupBy.${earlier})`,
      );
    } else {
      groupNames.set(name, i);
    }
  }
  for (const [name, metric] of Object.entries(aggregate.metrics)) {
    checkMetric(ctx, metric, [...at, 'metrics', name], groupNames, name);
  }
}

/** `aggregates`: unique names, then each aggregate's group fields and metrics. */
export function checkAggregates(ctx: CheckContext): void {
  const firstAt = new Map<string, number>();
  for (const [i, aggregate] of ctx.data.aggregates.entries()) {
    const earlier = firstAt.get(aggregate.name);
    if (earlier !== undefined) {
      report(
        ctx,
        ['aggregates', i, 'name'],
        'an aggregate name no other aggregate uses',
        `"${aggregate.name}" (also aggregates.${earlier})`,
      );
    } else {
      firstAt.set(aggregate.name, i);
    }
    checkAggregate(ctx, aggregate, ['aggregates', i]);
  }
}
