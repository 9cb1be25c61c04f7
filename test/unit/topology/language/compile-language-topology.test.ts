import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Program, Ref } from '../../../../src/pipeline/program/index.js';
import {
  compileLanguageTopology,
  isLanguageDocument,
  loadLanguageTopology,
} from '../../../../src/topology/index.js';
import { totalsMetric } from '../../../../src/query/program/index.js';
import { configIssues } from '../../helpers/config-issues.js';

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const payments = `${fixtures}payments.yaml`;

const ev = (...path: string[]): Ref => ({ kind: 'event', path });
const st = (field: string): Ref => ({ kind: 'state', field });

/** docs/language.md's complete file, compiled by hand. */
const paymentsProgram: Program = {
  paths: { key: ['paymentId'], eventId: ['eventId'], time: ['timestamp'], type: ['type'] },
  eventTypes: [
    'PaymentAuthorised',
    'PaymentCaptured',
    'PaymentVoided',
    'PaymentRefunded',
    'PaymentChargedBack',
  ],
  state: {
    keyField: 'paymentId',
    statusField: 'status',
    fields: [
      { name: 'merchantId', type: 'string', from: ['merchantId'], default: null },
      { name: 'currency', type: 'string', from: ['data', 'currency'], default: null },
      { name: 'authorisedCents', type: 'integer', from: ['data', 'authorisedCents'], default: 0 },
      { name: 'capturedCents', type: 'integer', default: 0 },
    ],
    order: ['paymentId', 'merchantId', 'status', 'currency', 'authorisedCents', 'capturedCents'],
  },
  machine: {
    initial: 'none',
    states: ['authorised', 'captured', 'refunded', 'chargedBack', 'voided'],
    transitions: [
      { index: 0, on: 'PaymentAuthorised', from: ['none'], to: 'authorised', guard: [], set: [] },
      {
        index: 1,
        on: 'PaymentCaptured',
        from: ['authorised'],
        to: 'captured',
        guard: [{ ref: ev('data', 'currency'), test: { op: 'sameAs', ref: st('currency') } }],
        anomaly: 'currency-mismatch',
        set: [{ field: 'capturedCents', ref: ev('data', 'amountCents') }],
      },
      { index: 2, on: 'PaymentVoided', from: ['authorised'], to: 'voided', guard: [], set: [] },
      { index: 3, on: 'PaymentRefunded', from: ['captured'], to: 'refunded', guard: [], set: [] },
      {
        index: 4,
        on: 'PaymentChargedBack',
        from: ['captured', 'refunded'],
        to: 'chargedBack',
        guard: [],
        set: [],
      },
    ],
  },
  aggregates: [
    {
      name: 'net-captured',
      groupBy: [
        { name: 'merchantId', ref: st('merchantId') },
        { name: 'currency', ref: st('currency') },
      ],
      metrics: [
        {
          name: 'cents',
          kind: 'sum',
          of: st('capturedCents'),
          while: [{ ref: st('status'), test: { op: 'eq', value: 'captured' } }],
        },
        { name: 'captures', kind: 'count', when: { to: ['captured'], where: [] } },
      ],
      windows: { sizes: [{ label: '1h', ms: 3_600_000 }], graceMs: 60_000, idleTimeoutMs: 30_000 },
    },
  ],
};

/** A small valid document to vary; its schema is inline. */
function doc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tickets',
    input: {
      topic: 'ticket-events',
      group: 'g',
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        required: ['id', 'kind', 'at', 'ticket'],
        properties: {
          id: { type: 'string' },
          kind: { type: 'string' },
          at: { type: 'integer' },
          ticket: {
            type: 'object',
            required: ['no'],
            properties: { no: { type: 'string' }, score: { type: 'number' } },
          },
          agent: { type: 'string' },
        },
      },
      key: 'ticket.no',
      eventId: 'id',
      time: 'at',
      type: 'kind',
    },
    state: {
      fields: {
        phase: { type: 'status' },
        agent: { type: 'string', from: 'agent' },
        score: { type: 'number', from: 'ticket.score', default: 1.5 },
        urgent: { type: 'boolean', default: false },
      },
      machine: {
        initial: 'new',
        states: ['open', 'closed'],
        transitions: [
          { on: 'Opened', from: ['new'], to: 'open' },
          {
            on: 'Closed',
            from: ['open'],
            to: 'closed',
            guard: { 'state.phase': 'open', key: { ne: 'x' }, 'event.ticket.score': { gte: 2 } },
            set: { urgent: 'state.urgent' },
          },
        ],
      },
    },
    aggregates: [
      {
        name: 'by-agent',
        groupBy: [{ who: 'state.agent' }],
        metrics: {
          tickets: { count: true, by: 'state.phase', when: { on: ['Opened'], from: ['new'] } },
          best: { max: 'event.ticket.score', when: { where: { 'event.agent': { exists: true } } } },
          agents: { distinct: 'key' },
        },
        windows: { sizes: ['1h', '1m'] },
      },
    ],
    outputs: { deadLetter: 'dlt', aggregates: 'agg', windows: 'win', late: 'late' },
    ...overrides,
  };
}

describe('compileLanguageTopology', () => {
  it("compiles docs/language.md's complete file into the exact program", () => {
    const t = loadLanguageTopology(payments);
    expect(t.program).toEqual(paymentsProgram);
    const schemaJson: unknown = JSON.parse(
      readFileSync(`${fixtures}payment-event.schema.json`, 'utf8'),
    );
    expect(t).toEqual({
      kind: 'language',
      name: 'payments',
      description: 'Card payments from authorisation to capture, refund or charge-back.',
      file: t.file,
      input: {
        topic: 'payment-events',
        group: 'streamfold-payments',
        partitions: 6,
        replicationFactor: 1,
        maxValueBytes: 65_536,
      },
      source: {
        topic: 'payment-events',
        group: 'streamfold-payments',
        partitions: 6,
        replicationFactor: 1,
      },
      event: { maxValueBytes: 65_536 },
      program: paymentsProgram,
      schema: { json: schemaJson, validate: t.schema.validate },
      outputs: {
        status: 'payment-status',
        anomalies: 'payment-anomalies',
        deadLetter: 'payment-events-dlt',
        aggregates: 'payment-aggregate-updates',
        windows: 'payment-windows',
        late: 'payment-events-late',
      },
      parking: { maxAttempts: 3 },
      queries: [],
    });
    expect(t.file.endsWith('fixtures/payments.yaml')).toBe(true);
  });

  it('freezes the topology and every part of its program', () => {
    const t = loadLanguageTopology(payments);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.input)).toBe(true);
    expect(Object.isFrozen(t.outputs)).toBe(true);
    expect(Object.isFrozen(t.program.machine.transitions[1]?.guard[0]?.test)).toBe(true);
    expect(Object.isFrozen(t.program.aggregates[0]?.windows?.sizes)).toBe(true);
    expect(Object.isFrozen(t.program.state.fields[0]?.from)).toBe(true);
  });

  it('an inline draft-07 schema, named group fields, bare literals, defaults, sorted sizes', () => {
    const t = compileLanguageTopology(doc(), 'inline', { dir: fixtures });
    expect(t.input).toEqual({
      topic: 'ticket-events',
      group: 'g',
      partitions: 6,
      replicationFactor: 1,
      maxValueBytes: 65_536,
    });
    expect(t.description).toBe('');
    expect(t.parking).toEqual({ maxAttempts: 3 });
    expect(t.program).toEqual({
      paths: { key: ['ticket', 'no'], eventId: ['id'], time: ['at'], type: ['kind'] },
      // The schema does not constrain the type: the types are those the transitions use.
      eventTypes: ['Opened', 'Closed'],
      state: {
        keyField: 'no',
        statusField: 'phase',
        fields: [
          { name: 'agent', type: 'string', from: ['agent'], default: null },
          { name: 'score', type: 'number', from: ['ticket', 'score'], default: 1.5 },
          { name: 'urgent', type: 'boolean', default: false },
        ],
        order: ['no', 'phase', 'agent', 'score', 'urgent'],
      },
      machine: {
        initial: 'new',
        states: ['open', 'closed'],
        transitions: [
          { index: 0, on: 'Opened', from: ['new'], to: 'open', guard: [], set: [] },
          {
            index: 1,
            on: 'Closed',
            from: ['open'],
            to: 'closed',
            guard: [
              { ref: st('phase'), test: { op: 'eq', value: 'open' } },
              { ref: { kind: 'key' }, test: { op: 'ne', value: 'x' } },
              { ref: ev('ticket', 'score'), test: { op: 'gte', value: 2 } },
            ],
            set: [{ field: 'urgent', ref: st('urgent') }],
          },
        ],
      },
      aggregates: [
        {
          name: 'by-agent',
          groupBy: [{ name: 'who', ref: st('agent') }],
          metrics: [
            {
              name: 'tickets',
              kind: 'count',
              by: st('phase'),
              when: { on: ['Opened'], from: ['new'], where: [] },
            },
            {
              name: 'best',
              kind: 'max',
              of: ev('ticket', 'score'),
              when: { where: [{ ref: ev('agent'), test: { op: 'exists', value: true } }] },
            },
            { name: 'agents', kind: 'distinct', of: { kind: 'key' } },
          ],
          windows: {
            sizes: [
              { label: '1m', ms: 60_000 },
              { label: '1h', ms: 3_600_000 },
            ],
            graceMs: 0,
            idleTimeoutMs: 30_000,
          },
        },
      ],
    } satisfies Program);
  });

  it('issues without positions when the caller has none, and all of them', () => {
    const issues = configIssues(() =>
      compileLanguageTopology(
        doc({ outputs: { deadLetter: 'ticket-events', aggregates: 'agg' } }),
        'inline',
        { dir: fixtures },
      ),
    );
    expect(issues).toEqual([
      {
        path: 'outputs.deadLetter',
        message: 'expected a topic other than input.topic, got "ticket-events" (the input topic)',
        expected: 'a topic other than input.topic',
        got: '"ticket-events" (the input topic)',
      },
      {
        path: 'outputs.windows',
        message: 'expected a topic name (the topology has windows), got nothing',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
      },
      {
        path: 'outputs.late',
        message: 'expected a topic name (the topology has windows), got nothing',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
      },
    ]);
  });

  it('refuses an empty document', () => {
    expect(configIssues(() => compileLanguageTopology(null, 'x', { dir: fixtures }))).toEqual([
      {
        path: '(root)',
        message: 'expected a mapping with name, input, state and outputs, got an empty document',
        expected: 'a mapping with name, input, state and outputs',
        got: 'an empty document',
      },
    ]);
  });

  it('reports a file it cannot read', () => {
    expect(configIssues(() => loadLanguageTopology('nowhere/missing.yaml'))).toEqual([
      {
        path: '(file)',
        message: 'expected a readable topology file, got no such file',
        expected: 'a readable topology file',
        got: 'no such file',
      },
    ]);
  });
});

describe('queries', () => {
  /** doc() with an aggregate a totals view can show, windowed, and a section of every view. */
  function withQueries(queries: readonly Record<string, unknown>[]): Record<string, unknown> {
    const base = doc();
    return {
      ...base,
      aggregates: [
        ...(base.aggregates as unknown[]),
        {
          name: 'opened',
          groupBy: ['state.agent'],
          metrics: { tickets: { count: true, when: { on: ['Opened'] } } },
          windows: { sizes: ['1h'] },
        },
      ],
      queries,
    };
  }

  it('compiles the section into the exact, frozen value, in file order', () => {
    const t = compileLanguageTopology(
      withQueries([
        { name: 'ticket', path: '/tickets/:key', view: 'state' },
        { name: 'opened', path: '/opened', view: 'totals', aggregate: 'opened' },
        {
          name: 'opened-windows',
          path: '/opened/windows',
          view: 'totals-windows',
          aggregate: 'opened',
        },
        { name: 'agent', path: '/agents/:group', view: 'group', aggregate: 'by-agent' },
      ]),
      'inline',
      { dir: fixtures },
    );
    expect(t.queries).toEqual([
      { name: 'ticket', path: '/tickets/:key', view: 'state' },
      { name: 'opened', path: '/opened', view: 'totals', aggregate: 'opened' },
      {
        name: 'opened-windows',
        path: '/opened/windows',
        view: 'totals-windows',
        aggregate: 'opened',
      },
      { name: 'agent', path: '/agents/:group', view: 'group', aggregate: 'by-agent' },
    ]);
    expect(Object.isFrozen(t.queries)).toBe(true);
    expect(Object.isFrozen(t.queries[0])).toBe(true);
    // The compiler's restatement of the totals rule agrees with the queries' own.
    const opened = t.program.aggregates.find((a) => a.name === 'opened');
    expect(opened && totalsMetric(opened)?.name).toBe('tickets');
  });

  it('is empty when the section is absent', () => {
    expect(compileLanguageTopology(doc(), 'inline', { dir: fixtures }).queries).toEqual([]);
  });

  it('refuses a totals view of an aggregate totalsMetric refuses, saying why', () => {
    const issues = configIssues(() =>
      compileLanguageTopology(
        withQueries([{ name: 'agents', path: '/agents', view: 'totals', aggregate: 'by-agent' }]),
        'inline',
        { dir: fixtures },
      ),
    );
    const byAgent = compileLanguageTopology(doc(), 'inline', { dir: fixtures }).program
      .aggregates[0];
    expect(byAgent && totalsMetric(byAgent)).toBeUndefined();
    expect(issues).toEqual([
      {
        path: 'queries.0.aggregate',
        message:
          'expected an aggregate of one group field and one count or sum without by (a totals view), got "by-agent" (3 metrics)',
        expected: 'an aggregate of one group field and one count or sum without by (a totals view)',
        got: '"by-agent" (3 metrics)',
      },
    ]);
  });

  it('says what a count with by and a metric of another kind are', () => {
    const misfit = (metric: Record<string, unknown>) => {
      const base = withQueries([{ name: 'n', path: '/n', view: 'totals', aggregate: 'n' }]);
      const issues = configIssues(() =>
        compileLanguageTopology(
          {
            ...base,
            aggregates: [{ name: 'n', groupBy: ['state.agent'], metrics: { m: metric } }],
          },
          'inline',
          { dir: fixtures },
        ),
      );
      return issues.map((i) => ('got' in i ? i.got : undefined));
    };
    expect(misfit({ count: true, by: 'state.phase' })).toEqual(['"n" (a count by state.phase)']);
    expect(misfit({ max: 'state.score' })).toEqual(['"n" (a max metric)']);
  });
});

describe('isLanguageDocument', () => {
  it('is true for a mapping with input, false for the legacy format and non-mappings', () => {
    expect(isLanguageDocument({ input: {} })).toBe(true);
    expect(isLanguageDocument({ source: {}, outputs: {} })).toBe(false);
    expect(isLanguageDocument([{ input: {} }])).toBe(false);
    expect(isLanguageDocument(null)).toBe(false);
    expect(isLanguageDocument('input')).toBe(false);
  });
});
