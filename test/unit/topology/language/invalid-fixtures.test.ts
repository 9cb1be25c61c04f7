import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateTopologyFile, type TopologyIssue } from '../../../../src/topology/index.js';

const dir = fileURLToPath(new URL('fixtures/invalid/', import.meta.url));

type Expected = Pick<TopologyIssue, 'path' | 'expected' | 'got' | 'line' | 'column'>;

/**
 * One row per fixture: each is fixtures/payments.yaml (docs/language.md's complete file) with one
 * problem (several-problems.yaml has five), against the shared fixtures/payment-event.schema.json
 * unless the problem is the schema; the exact issues `validate`
 * must report for it, in document order, with the line and column of the offending node.
 */
const cases: ReadonlyArray<readonly [file: string, issues: readonly Expected[]]> = [
  [
    'aggregates-without-output.yaml',
    [
      {
        path: 'outputs.aggregates',
        expected: 'a topic name (the topology has aggregates)',
        got: 'nothing',
        line: 46,
        column: 3,
      },
    ],
  ],
  [
    'count-not-true.yaml',
    [
      {
        path: 'aggregates.0.metrics.captures.count',
        expected: 'true (a count reads nothing)',
        got: 'false',
        line: 41,
        column: 26,
      },
    ],
  ],
  [
    'default-wrong-type.yaml',
    [
      {
        path: 'state.fields.capturedCents.default',
        expected: 'a default of type integer',
        got: 'string "0"',
        line: 21,
        column: 46,
      },
    ],
  ],
  [
    'duplicate-aggregate.yaml',
    [
      {
        path: 'aggregates.1.name',
        expected: 'an aggregate name no other aggregate uses',
        got: '"net-captured" (also aggregates.0)',
        line: 43,
        column: 11,
      },
    ],
  ],
  [
    'duplicate-group-field.yaml',
    [
      {
        path: 'aggregates.0.groupBy.1',
        expected: 'a group field name no other group field uses',
        got: '"currency" (also groupBy.0)',
        line: 38,
        column: 31,
      },
    ],
  ],
  [
    'duplicate-state.yaml',
    [
      {
        path: 'state.machine.states.5',
        expected: 'a state name no other state uses',
        got: '"captured" (also state.machine.states.1)',
        line: 24,
        column: 67,
      },
    ],
  ],
  [
    'event-id-not-required.yaml',
    [
      {
        path: 'input.eventId',
        expected: 'a path every branch of the schema requires',
        got: '"data.reason" (optional in the schema)',
        line: 11,
        column: 12,
      },
    ],
  ],
  [
    'event-path-not-in-schema.yaml',
    [
      {
        path: 'state.machine.transitions.1.set.capturedCents',
        expected: 'an event path the schema defines',
        got: '"event.data.amount" (not in the schema)',
        line: 32,
        column: 31,
      },
    ],
  ],
  [
    'field-named-like-key.yaml',
    [
      {
        path: 'state.fields.paymentId',
        expected: 'a field name other than the key field and appliedEvents, updatedAt, eventIds',
        got: '"paymentId" (the key field)',
        line: 17,
        column: 5,
      },
    ],
  ],
  [
    'from-path-not-in-schema.yaml',
    [
      {
        path: 'state.fields.currency.from',
        expected: 'an event path the schema defines',
        got: '"data.curency" (not in the schema)',
        line: 19,
        column: 37,
      },
    ],
  ],
  [
    'from-type-mismatch.yaml',
    [
      {
        path: 'state.fields.feeRate.from',
        expected: 'a path whose schema type fits integer',
        got: '"data.feeRate" (number in the schema)',
        line: 22,
        column: 37,
      },
    ],
  ],
  [
    'groupby-unknown-field.yaml',
    [
      {
        path: 'aggregates.0.groupBy.0',
        expected:
          'one of the state fields merchantId, status, currency, authorisedCents, capturedCents',
        got: '"state.merchant"',
        line: 38,
        column: 15,
      },
    ],
  ],
  [
    'guard-comparison-on-string.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.event.data.currency.gt',
        expected: 'a number to compare with gt',
        got: '"event.data.currency" (string in the schema)',
        line: 30,
        column: 41,
      },
    ],
  ],
  [
    'guard-on-missing-field.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.event.data.coupon',
        expected: 'an event path the schema defines',
        got: '"event.data.coupon" (not in the schema)',
        line: 30,
        column: 18,
      },
    ],
  ],
  [
    'idle-timeout-too-short.yaml',
    [
      {
        path: 'aggregates.0.windows.idleTimeout',
        expected: 'an idle timeout from 100ms to 1d',
        got: '"50ms"',
        line: 42,
        column: 53,
      },
    ],
  ],
  [
    'initial-in-states.yaml',
    [
      {
        path: 'state.machine.states.0',
        expected: 'a state other than the initial state "none"',
        got: '"none" (the initial state)',
        line: 24,
        column: 14,
      },
    ],
  ],
  [
    'key-path-missing.yaml',
    [
      {
        path: 'input.key',
        expected: 'an event path the schema defines',
        got: '"paymentid" (not in the schema)',
        line: 10,
        column: 8,
      },
    ],
  ],
  [
    'malformed-ref.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.evnt.data.currency',
        expected: 'a ref: event.<path>, state.<field> or key',
        got: '"evnt.data.currency"',
        line: 30,
        column: 18,
      },
    ],
  ],
  [
    'min-non-number.yaml',
    [
      {
        path: 'aggregates.0.metrics.firstMerchant.min',
        expected: 'a number ref for min',
        got: '"state.merchantId" (a string field)',
        line: 42,
        column: 29,
      },
    ],
  ],
  [
    'missing-dead-letter.yaml',
    [{ path: 'outputs.deadLetter', expected: 'string', got: 'nothing', line: 46, column: 3 }],
  ],
  [
    'misspelt-field-key.yaml',
    [
      {
        path: 'state.fields.currency.form',
        expected: 'one of the fields type, from, default',
        got: 'unknown field `form`',
        line: 19,
        column: 31,
      },
    ],
  ],
  [
    'no-status-field.yaml',
    [
      {
        path: 'state.fields',
        expected: 'exactly one field of type status',
        got: 'none',
        line: 17,
        column: 5,
      },
    ],
  ],
  [
    'output-equals-input.yaml',
    [
      {
        path: 'outputs.deadLetter',
        expected: 'a topic other than input.topic',
        got: '"payment-events" (the input topic)',
        line: 48,
        column: 15,
      },
    ],
  ],
  [
    'reserved-field-name.yaml',
    [
      {
        path: 'state.fields.updatedAt',
        expected: 'a field name other than the key field and appliedEvents, updatedAt, eventIds',
        got: '"updatedAt" (kept by the engine)',
        line: 22,
        column: 5,
      },
    ],
  ],
  [
    'schema-does-not-compile.yaml',
    [
      {
        path: 'input.schema',
        expected: 'a JSON Schema that compiles',
        got: 'schema is invalid: data/properties/paymentId/type must be equal to one of the allowed values, data/properties/paymentId/type must be array, data/properties/paymentId/type must match a schema in anyOf',
        line: 8,
        column: 11,
      },
    ],
  ],
  [
    'schema-file-missing.yaml',
    [
      {
        path: 'input.schema',
        expected: 'a readable JSON Schema file',
        got: '"../nowhere.schema.json" (no such file)',
        line: 8,
        column: 11,
      },
    ],
  ],
  [
    'schema-unknown-draft.yaml',
    [
      {
        path: 'input.schema.$schema',
        expected: 'a JSON Schema of draft 2020-12 or draft-07 ($schema)',
        got: '"http://json-schema.org/draft-04/schema#"',
        line: 8,
        column: 22,
      },
    ],
  ],
  [
    'set-status-field.yaml',
    [
      {
        path: 'state.machine.transitions.1.set.status',
        expected: "a field other than the status field (the transition's to sets it)",
        got: '"status" (the status field)',
        line: 32,
        column: 16,
      },
    ],
  ],
  [
    'set-undeclared-field.yaml',
    [
      {
        path: 'state.machine.transitions.1.set.captured',
        expected: 'one of the state fields merchantId, currency, authorisedCents, capturedCents',
        got: '"captured"',
        line: 32,
        column: 16,
      },
    ],
  ],
  [
    'several-problems.yaml',
    [
      {
        path: 'state.fields.authorisedCents.from',
        expected: 'an event path the schema defines',
        got: '"data.authorisedCent" (not in the schema)',
        line: 20,
        column: 45,
      },
      {
        path: 'state.machine.states.2',
        expected: 'a state reachable from the initial state "none"',
        got: '"refunded" (no transition leads to it)',
        line: 24,
        column: 36,
      },
      {
        path: 'state.machine.transitions.3.to',
        expected: 'one of the states authorised, captured, refunded, chargedBack, voided',
        got: '"refundd"',
        line: 34,
        column: 54,
      },
      {
        path: 'aggregates.0.metrics.cents.sum',
        expected: 'an integer ref for sum (money stays integer)',
        got: '"state.currency" (a string field)',
        line: 40,
        column: 21,
      },
      {
        path: 'outputs.late',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
        line: 46,
        column: 3,
      },
    ],
  ],
  [
    'state-metric-event-groupby.yaml',
    [
      {
        path: 'aggregates.0.groupBy.0',
        expected: 'a state.<field> or key ref (the aggregate has the state metric cents)',
        got: '"event.merchantId"',
        line: 38,
        column: 15,
      },
    ],
  ],
  [
    'sum-non-integer.yaml',
    [
      {
        path: 'aggregates.0.metrics.cents.sum',
        expected: 'an integer ref for sum (money stays integer)',
        got: '"state.currency" (a string field)',
        line: 40,
        column: 21,
      },
    ],
  ],
  [
    'time-wrong-type.yaml',
    [
      {
        path: 'input.time',
        expected: 'a path whose schema type is integer',
        got: '"merchantId" (string in the schema)',
        line: 12,
        column: 9,
      },
    ],
  ],
  [
    'to-initial-state.yaml',
    [
      {
        path: 'state.machine.transitions.4.to',
        expected: 'a state other than the initial state "none"',
        got: '"none" (the initial state)',
        line: 35,
        column: 50,
      },
    ],
  ],
  [
    'two-status-fields.yaml',
    [
      {
        path: 'state.fields.phase.type',
        expected: 'exactly one field of type status',
        got: 'a second one (also state.fields.status)',
        line: 22,
        column: 20,
      },
    ],
  ],
  [
    'undeclared-state-field.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.event.data.currency.sameAs',
        expected:
          'one of the state fields merchantId, status, currency, authorisedCents, capturedCents',
        got: '"state.curency"',
        line: 30,
        column: 49,
      },
    ],
  ],
  [
    'unknown-event-type.yaml',
    [
      {
        path: 'state.machine.transitions.1.on',
        expected:
          'one of the event types PaymentAuthorised, PaymentCaptured, PaymentVoided, PaymentRefunded, PaymentChargedBack',
        got: '"PaymentCapture"',
        line: 27,
        column: 13,
      },
    ],
  ],
  [
    'unknown-state-in-transition.yaml',
    [
      {
        path: 'state.machine.transitions.4.from.1',
        expected: 'one of the states none, authorised, captured, refunded, chargedBack, voided',
        got: '"refundd"',
        line: 35,
        column: 52,
      },
    ],
  ],
  [
    'unreachable-state.yaml',
    [
      {
        path: 'state.machine.states.5',
        expected: 'a state reachable from the initial state "none"',
        got: '"disputed" (no transition leads to it)',
        line: 24,
        column: 67,
      },
    ],
  ],
  [
    'when-unknown-state.yaml',
    [
      {
        path: 'aggregates.0.metrics.captures.when.to.0',
        expected: 'one of the states authorised, captured, refunded, chargedBack, voided',
        got: '"capturd"',
        line: 41,
        column: 45,
      },
    ],
  ],
  [
    'when-unknown-type.yaml',
    [
      {
        path: 'aggregates.0.metrics.captures.when.on.0',
        expected:
          'one of the event types PaymentAuthorised, PaymentCaptured, PaymentVoided, PaymentRefunded, PaymentChargedBack',
        got: '"PaymentCapturd"',
        line: 41,
        column: 45,
      },
    ],
  ],
  [
    'while-and-when.yaml',
    [
      {
        path: 'aggregates.0.metrics.cents.when',
        expected: 'either when or while (they do not mix)',
        got: 'both',
        line: 43,
        column: 9,
      },
    ],
  ],
  [
    'while-event-ref.yaml',
    [
      {
        path: 'aggregates.0.metrics.cents.while.event.data.currency',
        expected: 'a state.<field> or key ref (a while condition reads the state only)',
        got: '"event.data.currency"',
        line: 40,
        column: 51,
      },
    ],
  ],
  [
    'while-on-last.yaml',
    [
      {
        path: 'aggregates.0.metrics.lastCurrency.while',
        expected: 'while on a count or sum only',
        got: 'a while on a last metric',
        line: 42,
        column: 45,
      },
    ],
  ],
  [
    'window-grace-too-long.yaml',
    [
      {
        path: 'aggregates.0.windows.grace',
        expected: 'a grace period from 0s to 1d',
        got: '"2d"',
        line: 42,
        column: 36,
      },
    ],
  ],
  [
    'window-sizes-equal.yaml',
    [
      {
        path: 'aggregates.0.windows.sizes',
        expected: 'window sizes that differ from each other',
        got: 'a list of 2 items',
        line: 42,
        column: 23,
      },
    ],
  ],
  [
    'windows-without-outputs.yaml',
    [
      {
        path: 'outputs.windows',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
        line: 46,
        column: 3,
      },
      {
        path: 'outputs.late',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
        line: 46,
        column: 3,
      },
    ],
  ],
  [
    'metric-named-like-group-field.yaml',
    [
      {
        path: 'aggregates.0.metrics.currency',
        expected: 'a metric name no group field uses',
        got: '"currency" (also groupBy.1)',
        line: 42,
        column: 7,
      },
    ],
  ],
  [
    'duplicate-outputs.yaml',
    [
      {
        path: 'outputs.anomalies',
        expected: 'a topic no other output uses',
        got: '"payment-status" (also outputs.status)',
        line: 47,
        column: 14,
      },
    ],
  ],
  [
    'window-size-too-long.yaml',
    [
      {
        path: 'aggregates.0.windows.sizes.1',
        expected: 'a window size from 1s to 7d',
        got: '"8d"',
        line: 42,
        column: 28,
      },
    ],
  ],
  [
    'set-type-mismatch.yaml',
    [
      {
        path: 'state.machine.transitions.1.set.capturedCents',
        expected: 'a ref whose type fits integer',
        got: '"event.data.currency" (string in the schema)',
        line: 32,
        column: 31,
      },
    ],
  ],
  [
    'while-status-misspelt.yaml',
    [
      {
        path: 'aggregates.0.metrics.cents.while.state.status.in.1',
        expected: 'one of the states none, authorised, captured, refunded, chargedBack, voided',
        got: '"refundd"',
        line: 40,
        column: 82,
      },
    ],
  ],
  [
    'guard-status-bare-literal.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.state.status',
        expected: 'one of the states none, authorised, captured, refunded, chargedBack, voided',
        got: '"authorisd"',
        line: 30,
        column: 32,
      },
    ],
  ],
  [
    'state-metric-sums-event.yaml',
    [
      {
        path: 'aggregates.0.metrics.cents.sum',
        expected: 'a state.<field> or key ref (a state metric reads the state only)',
        got: '"event.data.amountCents"',
        line: 40,
        column: 21,
      },
    ],
  ],
  [
    'by-on-min.yaml',
    [
      {
        path: 'aggregates.0.metrics.smallest.by',
        expected: 'by on a count or sum only',
        got: 'a by on a min metric',
        line: 42,
        column: 45,
      },
    ],
  ],
  [
    'status-field-with-from.yaml',
    [
      {
        path: 'state.fields.status.from',
        expected: 'a status field without from (the machine sets it)',
        got: '"type"',
        line: 18,
        column: 29,
      },
    ],
  ],
  [
    'unknown-top-level-field.yaml',
    [
      {
        path: 'windows',
        expected:
          'one of the fields name, description, input, state, aggregates, parking, outputs, queries',
        got: 'unknown field `windows`',
        line: 43,
        column: 1,
      },
    ],
  ],
  [
    'unknown-test-operator.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.event.data.currency.same',
        expected: 'one of the fields eq, ne, in, notIn, gt, gte, lt, lte, sameAs, differs, exists',
        got: 'unknown field `same`',
        line: 30,
        column: 41,
      },
    ],
  ],
  [
    'two-tests-in-one.yaml',
    [
      {
        path: 'state.machine.transitions.1.guard.event.data.amountCents',
        expected:
          'exactly one test of eq, ne, in, notIn, gt, gte, lt, lte, sameAs, differs, exists',
        got: 'a mapping',
        line: 30,
        column: 42,
      },
    ],
  ],
  [
    'metric-two-kinds.yaml',
    [
      {
        path: 'aggregates.0.metrics.captures',
        expected: 'exactly one of count, sum, min, max, last, distinct',
        got: 'a mapping',
        line: 41,
        column: 17,
      },
    ],
  ],
  [
    'bad-field-name.yaml',
    [
      {
        path: 'state.fields.3ds-passed',
        expected: 'a field name of 1-64 letters, digits and "_", not starting with a digit',
        got: '"3ds-passed"',
        line: 22,
        column: 5,
      },
    ],
  ],
  [
    'query-bad-name.yaml',
    [
      {
        path: 'queries.0.name',
        expected: 'a query name of 1-64 lower-case letters, digits and "-", starting with a letter',
        got: '"Payment"',
        line: 53,
        column: 13,
      },
    ],
  ],
  [
    'query-bad-path.yaml',
    [
      {
        path: 'queries.0.path',
        expected: 'a path of /segments, a parameter written :name, such as /orders/:key',
        got: '"payments/:key"',
        line: 53,
        column: 28,
      },
    ],
  ],
  [
    'query-built-in-name.yaml',
    [
      {
        path: 'queries.0.name',
        expected: 'a query name other than state and aggregate (built-in subcommands of query)',
        got: '"state"',
        line: 53,
        column: 13,
      },
    ],
  ],
  [
    'query-duplicate-name.yaml',
    [
      {
        path: 'queries.1.name',
        expected: 'a query name no other query uses',
        got: '"payment" (also queries.0)',
        line: 54,
        column: 13,
      },
    ],
  ],
  [
    'query-duplicate-path.yaml',
    [
      {
        path: 'queries.1.path',
        expected: 'a path no other query uses',
        got: '"/payments/:id" (also queries.0)',
        line: 54,
        column: 26,
      },
    ],
  ],
  [
    'query-missing-aggregate.yaml',
    [
      {
        path: 'queries.0.aggregate',
        expected: 'an aggregate (a group view shows one)',
        got: 'nothing',
        line: 53,
        column: 5,
      },
    ],
  ],
  [
    'query-reserved-path.yaml',
    [
      {
        path: 'queries.0.path',
        expected:
          'a path outside /state, /aggregates, /metrics, /healthz, /readyz, /pause, /resume (the worker serves them)',
        got: '"/state/payments/:key" (under /state)',
        line: 53,
        column: 28,
      },
    ],
  ],
  [
    'query-state-with-aggregate.yaml',
    [
      {
        path: 'queries.0.aggregate',
        expected: 'no aggregate (a state view shows the state)',
        got: '"net-captured"',
        line: 53,
        column: 57,
      },
    ],
  ],
  [
    'query-totals-misfit.yaml',
    [
      {
        path: 'queries.0.aggregate',
        expected: 'an aggregate of one group field and one count or sum without by (a totals view)',
        got: '"net-captured" (2 group fields)',
        line: 53,
        column: 65,
      },
    ],
  ],
  [
    'query-totals-parameter.yaml',
    [
      {
        path: 'queries.0.path',
        expected: 'a path without parameters (a totals view)',
        got: '"/captured/:group"',
        line: 57,
        column: 29,
      },
    ],
  ],
  [
    'query-unknown-aggregate.yaml',
    [
      {
        path: 'queries.0.aggregate',
        expected: 'one of the aggregates net-captured',
        got: '"net-capture"',
        line: 53,
        column: 72,
      },
    ],
  ],
  [
    'query-windows-not-windowed.yaml',
    [
      {
        path: 'queries.0.aggregate',
        expected: 'an aggregate with windows (a totals-windows view)',
        got: '"captured" (no windows)',
        line: 57,
        column: 80,
      },
    ],
  ],
  [
    'query-wrong-parameter.yaml',
    [
      {
        path: 'queries.0.path',
        expected: 'a path with the one parameter :key (a state view)',
        got: '"/payments/:id"',
        line: 53,
        column: 28,
      },
    ],
  ],
];

function reported(file: string): Expected[] {
  const result = validateTopologyFile(`${dir}${file}`);
  if (result.ok) throw new Error(`${file} unexpectedly validated`);
  return result.issues.map(({ path, expected, got, line, column }) => ({
    path,
    expected,
    got,
    line,
    column,
  }));
}

describe('invalid language topology fixtures', () => {
  it.each(cases)('%s', (file, issues) => {
    expect(reported(file)).toEqual(issues);
  });

  it('every issue reads as "expected …, got …"', () => {
    for (const [file] of cases) {
      const result = validateTopologyFile(`${dir}${file}`);
      if (result.ok) throw new Error(`${file} unexpectedly validated`);
      for (const i of result.issues) expect(i.message).toBe(`expected ${i.expected}, got ${i.got}`);
    }
  });

  // A fixture without a row would be an untested promise.
  it('covers every fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(cases.map(([file]) => file).sort());
  });
});
