import type { Random } from './random.js';
import type { SimOptions, WireEvent, WireItem } from './types.js';

/** What an order's events repeat: fixed when the order is placed. */
export interface OrderFacts {
  orderId: string;
  customerId: string;
  currency: string;
  items: WireItem[];
  totalCents: number;
}

const CARRIERS = ['UPS', 'DHL', 'FedEx', 'USPS', 'La Poste'] as const;
const CANCEL_REASONS = [
  'customer request',
  'payment timeout',
  'out of stock',
  'fraud check failed',
] as const;
const PRODUCTS = 400;
/** Records are a few hundred milliseconds apart, like a small shop at peak. */
const MAX_GAP_MS = 400;

/**
 * Renders wire events. Every value it invents comes from its own random stream, so rendering
 * never disturbs the structural decisions (how many records of which kind) drawn elsewhere.
 */
export class EventFactory {
  private clock: number;
  private sequence = 0;
  private readonly customers: number;

  constructor(
    private readonly rng: Random,
    private readonly options: Readonly<SimOptions>,
    private readonly tag: string,
  ) {
    this.clock = options.startTime;
    // Returning customers: about three orders each.
    this.customers = Math.max(10, Math.ceil(options.orders / 3));
  }

  get random(): Random {
    return this.rng;
  }

  eventId(): string {
    return `evt-${this.tag}-${(this.sequence++).toString(36)}`;
  }

  /** Event time of the next new record: strictly later than the previous one. */
  tick(): number {
    this.clock += this.rng.int(1, MAX_GAP_MS);
    return this.clock;
  }

  item(): WireItem {
    return {
      productId: `sku-${String(this.rng.int(1, PRODUCTS)).padStart(4, '0')}`,
      quantity: this.rng.int(1, 3),
      priceCents: this.rng.int(199, 24_999),
    };
  }

  facts(orderId: string): OrderFacts {
    const items = Array.from({ length: this.rng.int(1, 4) }, () => this.item());
    return {
      orderId,
      customerId: `cus-${this.rng.int(1, this.customers)}`,
      currency: this.rng.pick(this.options.currencies),
      items,
      totalCents: items.reduce((sum, i) => sum + i.priceCents * i.quantity, 0),
    };
  }

  event(type: string, facts: OrderFacts, data: Record<string, unknown>): WireEvent {
    return {
      eventId: this.eventId(),
      type,
      orderId: facts.orderId,
      customerId: facts.customerId,
      timestamp: this.tick(),
      data,
    };
  }

  placed(facts: OrderFacts): WireEvent {
    return this.event('OrderPlaced', facts, {
      items: facts.items,
      totalCents: facts.totalCents,
      currency: facts.currency,
    });
  }

  paid(facts: OrderFacts, currency = facts.currency): WireEvent {
    return this.event('OrderPaid', facts, { amountCents: facts.totalCents, currency });
  }

  shipped(facts: OrderFacts): WireEvent {
    const data: Record<string, unknown> = {};
    // Both fields are optional on the wire; leave them out now and then.
    if (this.rng.chance(0.9)) data.carrier = this.rng.pick(CARRIERS);
    if (this.rng.chance(0.9)) data.trackingId = `TRK${this.rng.int(10_000_000, 99_999_999)}`;
    return this.event('OrderShipped', facts, data);
  }

  cancelled(facts: OrderFacts): WireEvent {
    return this.event(
      'OrderCancelled',
      facts,
      this.rng.chance(0.8) ? { reason: this.rng.pick(CANCEL_REASONS) } : {},
    );
  }
}

export function encode(event: WireEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
