/**
 * `defineTopology`: the language's compiler on a TypeScript object, the state's reducer put on
 * the compiled program, and every problem refused with its field path.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defineTopology, type TopologySpec } from '../../../src/index.js';
import { loadLanguageTopology } from '../../../src/topology/language/index.js';
import { loadTopologyModule } from '../../../src/topology/load-topology-module.js';
import { minimalSpec } from './minimal-spec.js';

const parcelsFile = fileURLToPath(new URL('../../../topologies/parcels.ts', import.meta.url));

function refusal(spec: unknown, url?: string): { message: string; issues: unknown } {
  try {
    defineTopology(spec as TopologySpec, url === undefined ? {} : { url });
  } catch (error) {
    if (error instanceof ConfigError) return { message: error.message, issues: error.issues };
    throw error;
  }
  return { message: 'accepted', issues: [] };
}

describe('defineTopology', () => {
  it('compiles topologies/parcels.ts into its program, with the reducer on its state', async () => {
    const parcels = await loadTopologyModule(parcelsFile);
    const { program } = parcels;
    expect(parcels.kind).toBe('language');
    expect(parcels.name).toBe('parcels');
    expect(parcels.input).toEqual({
      topic: 'parcel-events',
      group: 'streamfold-parcels',
      partitions: 6,
      replicationFactor: 1,
      maxValueBytes: 65_536,
    });
    expect(parcels.outputs).toEqual({
      status: 'parcel-status',
      anomalies: 'parcel-anomalies',
      deadLetter: 'parcel-events-dlt',
      aggregates: 'parcel-aggregate-updates',
    });
    expect(parcels.parking).toEqual({ maxAttempts: 3 });
    expect(program.paths).toEqual({
      key: ['shipmentId'],
      eventId: ['eventId'],
      time: ['timestamp'],
      type: ['type'],
    });
    const { reduce, ...shape } = program.state;
    expect(typeof reduce).toBe('function');
    expect(shape).toEqual({
      keyField: 'shipmentId',
      statusField: 'status',
      fields: [
        { name: 'carrier', type: 'string', from: ['carrier'], default: null },
        { name: 'destinationHub', type: 'string', from: ['data', 'destinationHub'], default: null },
        { name: 'failedAttempts', type: 'integer', default: 0 },
        { name: 'hubsVisited', type: 'integer', default: 0 },
        { name: 'route', type: 'string', default: '' },
      ],
      order: [
        'shipmentId',
        'carrier',
        'status',
        'destinationHub',
        'failedAttempts',
        'hubsVisited',
        'route',
      ],
    });
    expect(program.machine.initial).toBe('none');
    expect(program.machine.transitions.map((t) => `${t.on}:${t.from.join('/')}>${t.to}`)).toEqual([
      'ShipmentCreated:none>created',
      'ShipmentPickedUp:created>pickedUp',
      'ShipmentArrivedAtHub:pickedUp/inTransit>inTransit',
      'ShipmentOutForDelivery:inTransit/failedAttempt>outForDelivery',
      'ShipmentDelivered:outForDelivery>delivered',
      'DeliveryAttemptFailed:outForDelivery>failedAttempt',
      'ShipmentReturned:failedAttempt>returned',
      'ShipmentLost:pickedUp/inTransit>lost',
    ]);
    expect(program.aggregates).toEqual([
      {
        name: 'attempts',
        groupBy: [{ name: 'carrier', ref: { kind: 'state', field: 'carrier' } }],
        metrics: [
          { name: 'delivered', kind: 'count', when: { to: ['delivered'], where: [] } },
          { name: 'failedAttempts', kind: 'count', when: { to: ['failedAttempt'], where: [] } },
          {
            name: 'retriesInFlight',
            kind: 'sum',
            of: { kind: 'state', field: 'failedAttempts' },
            while: [
              {
                ref: { kind: 'state', field: 'status' },
                test: {
                  op: 'in',
                  values: ['created', 'pickedUp', 'inTransit', 'outForDelivery', 'failedAttempt'],
                },
              },
            ],
          },
          {
            name: 'mostHubs',
            kind: 'max',
            of: { kind: 'state', field: 'hubsVisited' },
            when: { to: ['delivered'], where: [] },
          },
        ],
      },
    ]);
    expect(Object.isFrozen(parcels)).toBe(true);
    expect(Object.isFrozen(program)).toBe(true);
    expect(Object.isFrozen(program.state)).toBe(true);
  });

  it('gives the same program as a YAML file of the same fields', () => {
    const yaml = loadLanguageTopology(
      fileURLToPath(new URL('../../../topologies/shipments.yaml', import.meta.url)),
    );
    const { machine } = yaml.program;
    const defined = defineTopology(
      {
        name: 'shipments',
        input: {
          topic: 'shipment-events',
          group: 'streamfold-shipments',
          schema: 'schemas/shipment-event.schema.json',
          key: 'shipmentId',
          eventId: 'eventId',
          time: 'timestamp',
          type: 'type',
        },
        state: {
          key: 'shipmentId',
          fields: {
            carrier: { type: 'string', from: 'carrier' },
            status: { type: 'status' },
            weightGrams: { type: 'integer', from: 'data.weightGrams', default: 0 },
            originHub: { type: 'string', from: 'data.originHub' },
            destinationHub: { type: 'string', from: 'data.destinationHub' },
            lastHub: { type: 'string', from: 'data.hub' },
          },
          machine: {
            initial: machine.initial,
            states: machine.states,
            transitions: machine.transitions.map((t) => ({ on: t.on, from: t.from, to: t.to })),
          },
        },
        outputs: { deadLetter: 'shipment-events-dlt' },
      },
      { url: new URL('../../../topologies/shipments.ts', import.meta.url) },
    );
    expect(defined.program).toEqual({ ...yaml.program, aggregates: [] });
    expect(defined.file).toBe('topologies/shipments.ts');
  });

  it('has no reducer when the spec gives none, or gives undefined', () => {
    expect(defineTopology(minimalSpec).program.state.reduce).toBeUndefined();
    const none = defineTopology({
      ...minimalSpec,
      state: { ...minimalSpec.state, reduce: undefined },
    });
    expect(Object.hasOwn(none.program.state, 'reduce')).toBe(false);
  });

  it('refuses a reducer that is not a function, naming the field', () => {
    const spec = { ...minimalSpec, state: { ...minimalSpec.state, reduce: 'scans + 1' } };
    expect(refusal(spec)).toEqual({
      message:
        'invalid configuration (defineTopology):\n' +
        `  state.reduce: expected a function: the state's pure reducer, got string "scans + 1"`,
      issues: [
        {
          path: 'state.reduce',
          message: `expected a function: the state's pure reducer, got string "scans + 1"`,
          expected: "a function: the state's pure reducer",
          got: 'string "scans + 1"',
        },
      ],
    });
  });

  it('reports the compiler issues and the reducer one together, named after the module', () => {
    const spec = {
      ...minimalSpec,
      input: { ...minimalSpec.input, partitions: 0 },
      state: { ...minimalSpec.state, reduce: 3 },
    };
    const url = new URL('fixtures/inline.ts', import.meta.url).href;
    const { issues } = refusal(spec, url);
    expect(issues).toEqual([
      {
        path: 'input.partitions',
        message: 'expected at least 1, got 0',
        expected: 'at least 1',
        got: '0',
      },
      {
        path: 'state.reduce',
        message: `expected a function: the state's pure reducer, got number 3`,
        expected: "a function: the state's pure reducer",
        got: 'number 3',
      },
    ]);
    expect(refusal(spec, url).message).toMatch(
      /^invalid configuration \(test\/unit\/api\/fixtures\/inline\.ts\):\n/,
    );
  });

  it('refuses what the language refuses, with the same field paths', () => {
    const spec = {
      ...minimalSpec,
      state: {
        ...minimalSpec.state,
        fields: { ...minimalSpec.state.fields, scans: { type: 'integer', from: 'hub' } },
        machine: {
          ...minimalSpec.state.machine,
          transitions: [{ on: 'ParcelCreated', from: ['none'], to: 'creatd', reduce: () => ({}) }],
        },
      },
    };
    expect(refusal(spec).issues).toEqual([
      {
        path: 'state.machine.transitions.0.reduce',
        message:
          'expected one of the fields on, from, to, guard, anomaly, set, got unknown field `reduce`',
        expected: 'one of the fields on, from, to, guard, anomaly, set',
        got: 'unknown field `reduce`',
      },
    ]);
    const { transitions } = spec.state.machine;
    const unknownState = {
      ...spec,
      state: {
        ...spec.state,
        machine: {
          ...spec.state.machine,
          transitions: transitions.map(({ reduce: _, ...t }) => t),
        },
      },
    };
    // The compiler's own words are its tests' to pin down; here, that the paths are the same.
    const { issues } = refusal(unknownState) as { issues: { path: string }[] };
    expect(issues.map((i) => i.path)).toEqual([
      'state.fields.scans.from',
      'state.machine.states.0',
      'state.machine.transitions.0.to',
    ]);
  });
});
