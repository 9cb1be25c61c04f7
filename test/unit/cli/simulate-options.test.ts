import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulateOptions } from '../../../src/cli/simulate-options.js';
import { DEFAULT_START_TIME, generate, resolveSimOptions } from '../../../src/sim/index.js';
import { loadAnyTopology } from '../../../src/topology/index.js';
import { configIssues } from '../helpers/config-issues.js';

const topologies = fileURLToPath(new URL('../../../topologies/', import.meta.url));
const payments = loadAnyTopology(`${topologies}payments.yaml`);
const legacy = fileURLToPath(new URL('../../fixtures/legacy/', import.meta.url));
const orders = loadAnyTopology(`${legacy}orders.yaml`);
const nextOrders = loadAnyTopology(`${topologies}orders.yaml`);
const now = (): number => 1_800_000_000_000;

describe('simulateOptions for a language topology', () => {
  it('resolves the program simulator options, defaults filled', () => {
    const run = simulateOptions({ keys: '1000', seed: '7' }, payments, now);
    expect(run.kind).toBe('program');
    expect(run.topology).toBe(payments.topology);
    expect(run.rate).toBeUndefined();
    expect(run.options).toEqual({
      keys: 1000,
      seed: 7,
      duplicates: 0,
      malformed: 0,
      invalid: 0,
      invalidTransitions: 0,
      startTime: DEFAULT_START_TIME,
      maxValueBytes: 65_536,
    });
  });

  it('takes every knob, and the start time "now"', () => {
    const run = simulateOptions(
      {
        keys: '5',
        seed: '-3',
        rate: '250.5',
        duplicates: '0.1',
        malformed: '0.2',
        invalid: '0.3',
        invalidTransitions: '1',
        startTime: 'now',
      },
      payments,
      now,
    );
    expect(run.rate).toBe(250.5);
    expect(run.options).toEqual({
      keys: 5,
      seed: -3,
      duplicates: 0.1,
      malformed: 0.2,
      invalid: 0.3,
      invalidTransitions: 1,
      startTime: 1_800_000_000_000,
      maxValueBytes: 65_536,
    });
  });

  it('refuses bad flags, naming each', () => {
    const issues = configIssues(() =>
      simulateOptions(
        {
          keys: '0',
          seed: '1.5',
          rate: '0',
          duplicates: '2',
          malformed: '-0.1',
          invalid: 'x',
          invalidTransitions: '',
          startTime: 'yesterday',
        },
        payments,
        now,
      ),
    );
    expect(issues).toEqual([
      { path: '--seed', message: 'must be an integer, got "1.5"' },
      { path: '--rate', message: 'must be a positive number (records per second), got "0"' },
      { path: '--duplicates', message: 'must be a probability between 0 and 1, got "2"' },
      { path: '--malformed', message: 'must be a probability between 0 and 1, got "-0.1"' },
      { path: '--invalid-transitions', message: 'must be a probability between 0 and 1, got ""' },
      { path: '--start-time', message: 'must be epoch milliseconds or "now", got "yesterday"' },
      { path: '--invalid', message: 'must be a probability between 0 and 1, got "x"' },
      { path: '--keys', message: 'must be a positive integer, got "0"' },
    ]);
  });

  it('refuses a missing count and seed, both counts, and the orders-only --currencies', () => {
    expect(configIssues(() => simulateOptions({}, payments, now))).toEqual([
      { path: '--seed', message: 'required: the same seed and options give the same records' },
      {
        path: '--keys',
        message: 'required: how many keys to simulate (or --orders for the order simulator)',
      },
    ]);
    const file = payments.topology.file;
    expect(
      configIssues(() =>
        simulateOptions({ keys: '1', seed: '1', currencies: 'USD' }, payments, now),
      ),
    ).toEqual([
      {
        path: '--currencies',
        message: `${file} is a language topology: --keys draws its values from its schema, not from --currencies (--orders runs the order simulator, which takes them)`,
      },
    ]);
  });
});

describe('simulateOptions with --orders for a language topology', () => {
  it('runs the order simulator with the options a legacy topology gets', () => {
    const flags = { orders: '200', seed: '3', currencies: 'USD,JPY', malformed: '0.1' };
    const run = simulateOptions(flags, nextOrders, now);
    expect(run.kind).toBe('orders');
    expect(run.topology).toBe(nextOrders.topology);
    expect(run.options).toEqual({
      orders: 200,
      seed: 3,
      duplicates: 0,
      malformed: 0.1,
      invalidTransitions: 0,
      currencies: ['USD', 'JPY'],
      startTime: DEFAULT_START_TIME,
      maxValueBytes: 65_536,
    });
    expect(run.options).toEqual(simulateOptions(flags, orders, now).options);
  });

  it('refuses --keys and --invalid beside --orders, naming the simulators', () => {
    expect(
      configIssues(() =>
        simulateOptions({ orders: '5', keys: '5', invalid: '0.1', seed: '1' }, nextOrders, now),
      ),
    ).toEqual([
      {
        path: '--keys',
        message:
          '--orders runs the order simulator, --keys the program simulator: give one of them',
      },
      {
        path: '--invalid',
        message:
          '--orders runs the order simulator, which has no schema-invalid events (--malformed and --invalid-transitions are its knobs)',
      },
    ]);
  });

  it("refuses a topology whose input schema does not take the order simulator's events", () => {
    const [first] = generate(resolveSimOptions({ orders: 5, seed: 1 }));
    if (payments.kind !== 'language' || !first?.value) throw new Error('no order event to check');
    const verdict = payments.topology.schema.validate(JSON.parse(first.value.toString()));
    if (verdict.ok) throw new Error('the payments schema takes an order event');
    expect(configIssues(() => simulateOptions({ orders: '5', seed: '1' }, payments, now))).toEqual([
      {
        path: '--orders',
        message: `the input schema of ${payments.topology.file} refuses the order simulator's OrderPlaced events (${verdict.message}): give --keys to simulate from its own schema`,
      },
    ]);
  });

  it('takes the --keys count for the program simulator on the same file', () => {
    const run = simulateOptions({ keys: '12', seed: '1' }, nextOrders, now);
    expect(run.kind === 'program' && run.options.keys).toBe(12);
  });
});

describe('simulateOptions for a legacy topology', () => {
  it('resolves the orders simulator options as before', () => {
    const run = simulateOptions(
      { orders: '100', seed: '42', currencies: 'USD,JPY', rate: '50' },
      orders,
      now,
    );
    expect(run.kind).toBe('orders');
    expect(run.rate).toBe(50);
    expect(run.options).toEqual({
      orders: 100,
      seed: 42,
      duplicates: 0,
      malformed: 0,
      invalidTransitions: 0,
      currencies: ['USD', 'JPY'],
      startTime: DEFAULT_START_TIME,
      maxValueBytes: 65_536,
    });
  });

  it('refuses the language-only --keys and --invalid, and bad currencies', () => {
    const file = orders.topology.file;
    expect(
      configIssues(() =>
        simulateOptions(
          { keys: '5', invalid: '0.1', seed: '1', currencies: 'usd,EUR' },
          orders,
          now,
        ),
      ),
    ).toEqual([
      {
        path: '--currencies',
        message: 'expected comma-separated 3-letter upper-case codes, e.g. USD,EUR (bad: "usd")',
      },
      { path: '--orders', message: 'required: how many orders to simulate' },
      {
        path: '--keys',
        message: `${file} is a legacy orders topology: give the count as --orders`,
      },
      {
        path: '--invalid',
        message: `${file} is a legacy orders topology, whose simulator has no schema-invalid events (--malformed and --invalid-transitions are its knobs)`,
      },
    ]);
  });
});
