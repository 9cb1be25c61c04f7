// Parcel journeys with what the language cannot say, written in TypeScript (docs/language.md,
// "The TypeScript API"): failed delivery attempts counted per parcel, the hubs it passed through
// counted and listed in order. `streamfold validate topologies/parcels.ts` checks it.
import { defineTopology, type JsonValue } from 'streamfold';

/** The hub an event names (`data.hub`), if it names one. */
function hubOf(event: { readonly [key: string]: JsonValue }): string | undefined {
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const hub = (data as { readonly [key: string]: JsonValue }).hub;
  return typeof hub === 'string' ? hub : undefined;
}

const inFlight = ['created', 'pickedUp', 'inTransit', 'outForDelivery', 'failedAttempt'];

export default defineTopology(
  {
    name: 'parcels',
    description: 'Parcel journeys: failed delivery attempts and the hubs passed, per parcel.',
    input: {
      topic: 'parcel-events',
      group: 'streamfold-parcels',
      schema: 'schemas/shipment-event.schema.json',
      key: 'shipmentId',
      eventId: 'eventId',
      time: 'timestamp',
      type: 'type',
    },
    state: {
      fields: {
        carrier: { type: 'string', from: 'carrier' },
        status: { type: 'status' },
        destinationHub: { type: 'string', from: 'data.destinationHub' },
        failedAttempts: { type: 'integer', default: 0 },
        hubsVisited: { type: 'integer', default: 0 },
        route: { type: 'string', default: '' },
      },
      machine: {
        initial: 'none',
        states: [
          'created',
          'pickedUp',
          'inTransit',
          'outForDelivery',
          'failedAttempt',
          'delivered',
          'returned',
          'lost',
        ],
        transitions: [
          { on: 'ShipmentCreated', from: ['none'], to: 'created' },
          { on: 'ShipmentPickedUp', from: ['created'], to: 'pickedUp' },
          { on: 'ShipmentArrivedAtHub', from: ['pickedUp', 'inTransit'], to: 'inTransit' },
          {
            on: 'ShipmentOutForDelivery',
            from: ['inTransit', 'failedAttempt'],
            to: 'outForDelivery',
          },
          { on: 'ShipmentDelivered', from: ['outForDelivery'], to: 'delivered' },
          { on: 'DeliveryAttemptFailed', from: ['outForDelivery'], to: 'failedAttempt' },
          { on: 'ShipmentReturned', from: ['failedAttempt'], to: 'returned' },
          { on: 'ShipmentLost', from: ['pickedUp', 'inTransit'], to: 'lost' },
        ],
      },
      // A count per parcel and a list joined in order: the language's `set` only copies values.
      reduce: ({ event, after, status }) => {
        const hub = status === 'inTransit' ? hubOf(event) : undefined;
        return {
          ...(status === 'failedAttempt'
            ? { failedAttempts: (after.failedAttempts ?? 0) + 1 }
            : {}),
          ...(hub === undefined
            ? {}
            : {
                hubsVisited: (after.hubsVisited ?? 0) + 1,
                route: after.route ? `${after.route} > ${hub}` : hub,
              }),
        };
      },
    },
    aggregates: [
      {
        // The reducer's fields are state fields like any other: aggregates read them.
        name: 'attempts',
        groupBy: ['state.carrier'],
        metrics: {
          delivered: { count: true, when: { to: ['delivered'] } },
          failedAttempts: { count: true, when: { to: ['failedAttempt'] } },
          retriesInFlight: {
            sum: 'state.failedAttempts',
            while: { 'state.status': { in: inFlight } },
          },
          mostHubs: { max: 'state.hubsVisited', when: { to: ['delivered'] } },
        },
      },
    ],
    outputs: {
      status: 'parcel-status',
      anomalies: 'parcel-anomalies',
      deadLetter: 'parcel-events-dlt',
      aggregates: 'parcel-aggregate-updates',
    },
  },
  { url: import.meta.url },
);
