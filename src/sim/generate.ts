import { encode, EventFactory, type OrderFacts } from './event-factory.js';
import { chooseInvalid, invalidValue } from './invalid.js';
import { planLifecycle, statusAfter, type Status, type Step } from './lifecycle.js';
import { MalformedClasses, malformedValue } from './malformed.js';
import { resolveSimOptions, type SimInput } from './options.js';
import { createRandom } from './random.js';
import { SimKinds, type SimKind, type SimOptions, type SimPlan, type SimRecord } from './types.js';

/** Orders in progress at once: enough to interleave many orders in every partition. */
const WINDOW = 64;
const P_START = 0.5;
/** A duplicate arrives this many steps after its original, at most: a retry, not a replay. */
const MAX_DUPLICATE_DELAY = 200;

/** Separate random streams (see random.ts): structure decides counts, content fills values. */
const STRUCTURE = 1;
const CONTENT = 2;

interface ActiveOrder {
  readonly orderId: string;
  readonly steps: readonly Step[];
  next: number;
  status: Status | undefined;
  /** Rendered values; absent while only planning. */
  facts: OrderFacts | undefined;
}

interface Pending {
  due: number;
  record: SimRecord;
}

/**
 * The stream itself. With `render` off it makes the same structural decisions in the same order
 * but builds no values: `plan()` counts a run without paying for JSON.
 */
function* walk(options: Readonly<SimOptions>, render: boolean): Generator<SimRecord> {
  const s = createRandom(options.seed, STRUCTURE);
  const tag = options.seed.toString(36);
  const factory = new EventFactory(createRandom(options.seed, CONTENT), options, tag);
  const active: ActiveOrder[] = [];
  let pending: Pending[] = [];
  let started = 0;
  let step = 0;
  let malformedTurn = 0;
  let invalidTurn = 0;
  let ghosts = 0;

  const record = (kind: SimKind, key: string, value: () => Buffer | null): SimRecord => ({
    key,
    value: render ? value() : null,
    kind,
  });

  function* due(upTo: number): Generator<SimRecord> {
    if (!pending.some((p) => p.due <= upTo)) return;
    const later: Pending[] = [];
    for (const p of pending) {
      if (p.due <= upTo) yield p.record;
      else later.push(p);
    }
    pending = later;
  }

  while (started < options.orders || active.length > 0) {
    step += 1;
    yield* due(step);

    const start =
      started < options.orders &&
      (active.length === 0 || (active.length < WINDOW && s.chance(P_START)));
    let at: number;
    if (start) {
      const orderId = `ord-${tag}-${started.toString(36)}`;
      started += 1;
      const steps = planLifecycle(s);
      const facts = render ? factory.facts(orderId) : undefined;
      at = active.push({ orderId, steps, next: 0, status: undefined, facts }) - 1;
    } else {
      at = s.int(0, active.length - 1);
    }
    const order = active[at]!;
    const type = order.steps[order.next]!;
    order.next += 1;
    order.status = statusAfter[type];
    const facts = order.facts;

    const event = record('event', order.orderId, () => encode(build(type, facts!)));
    yield event;

    if (s.chance(options.duplicates)) {
      pending.push({
        due: step + s.int(1, MAX_DUPLICATE_DELAY),
        record: { ...event, kind: 'duplicate' },
      });
    }
    if (s.chance(options.malformed)) {
      const turn = malformedTurn++;
      const cls = MalformedClasses[turn % MalformedClasses.length]!;
      const round = Math.floor(turn / MalformedClasses.length);
      yield record('malformed', order.orderId, () =>
        malformedValue(cls, factory, facts!, round, options.maxValueBytes),
      );
    }
    if (s.chance(options.invalidTransitions)) {
      const cls = chooseInvalid(invalidTurn++, order.status, options.currencies.length);
      // An id no order is ever placed under: the payment's order is unknown for good.
      const ghostId = cls === 'pay-unknown-order' ? `ghost-${tag}-${(ghosts++).toString(36)}` : '';
      yield record('invalid', ghostId || order.orderId, () =>
        invalidValue(cls, factory, facts!, () => factory.facts(ghostId), options.currencies),
      );
    }

    if (order.next === order.steps.length) {
      // Swap-remove: O(1), and as deterministic as a splice.
      active[at] = active[active.length - 1]!;
      active.pop();
    }
  }
  yield* due(Number.POSITIVE_INFINITY);

  function build(type: Step, f: OrderFacts) {
    switch (type) {
      case 'OrderPlaced':
        return factory.placed(f);
      case 'OrderPaid':
        return factory.paid(f);
      case 'OrderShipped':
        return factory.shipped(f);
      case 'OrderCancelled':
        return factory.cancelled(f);
    }
  }
}

/**
 * A seeded stream of order-event records: lifecycles of `orders` orders interleaved, each order's
 * records in order under its orderId as key, plus duplicates, dead-letter values and illegal
 * transitions at the requested rates. The same options always give the same records.
 */
export function generate(input: SimInput): Generator<SimRecord> {
  return walk(resolveSimOptions(input), true);
}

/** How many records of each kind `generate` yields for these options, without building them. */
export function plan(input: SimInput): SimPlan {
  const options = resolveSimOptions(input);
  const kinds = Object.fromEntries(SimKinds.map((k) => [k, 0])) as Record<SimKind, number>;
  let records = 0;
  for (const r of walk(options, false)) {
    kinds[r.kind] += 1;
    records += 1;
  }
  return { records, orders: options.orders, kinds };
}
