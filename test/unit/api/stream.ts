/**
 * A hand-written stream for topologies/parcels.ts: three parcels on one partition, with a
 * duplicate and an anomaly among them, and the final states the parcels reducer must leave.
 */
import type { JsonValue, ProgramEvent } from '../../../src/index.js';

let time = 1_700_000_000_000;

function event(
  shipmentId: string,
  eventId: string,
  type: string,
  carrier: string,
  data: { readonly [key: string]: JsonValue },
): ProgramEvent {
  time += 1000;
  return {
    key: shipmentId,
    eventId,
    time,
    type,
    value: { eventId, type, shipmentId, carrier, timestamp: time, data },
  };
}

const created = { weightGrams: 1200, originHub: 'LHR1', destinationHub: 'AMS1' };

export const parcelEvents: readonly ProgramEvent[] = [
  event('s1', 'e1', 'ShipmentCreated', 'parcelco', created),
  event('s1', 'e2', 'ShipmentPickedUp', 'parcelco', { hub: 'LHR1' }),
  event('s2', 'e3', 'ShipmentCreated', 'swiftpost', { ...created, destinationHub: 'FRA1' }),
  event('s1', 'e4', 'ShipmentArrivedAtHub', 'parcelco', { hub: 'LHR2' }),
  event('s1', 'e5', 'ShipmentArrivedAtHub', 'parcelco', { hub: 'AMS1' }),
  // A duplicate changes nothing, an anomaly neither: the reducer is not called for them.
  event('s1', 'e5', 'ShipmentArrivedAtHub', 'parcelco', { hub: 'AMS1' }),
  event('s2', 'e6', 'ShipmentPickedUp', 'swiftpost', { hub: 'LHR1' }),
  event('s2', 'e7', 'ShipmentDelivered', 'swiftpost', {}),
  event('s1', 'e8', 'ShipmentOutForDelivery', 'parcelco', { hub: 'AMS1' }),
  event('s1', 'e9', 'DeliveryAttemptFailed', 'parcelco', { reason: 'not-home' }),
  event('s2', 'e10', 'ShipmentArrivedAtHub', 'swiftpost', { hub: 'FRA1' }),
  event('s1', 'e11', 'ShipmentOutForDelivery', 'parcelco', { hub: 'AMS1' }),
  event('s1', 'e12', 'ShipmentDelivered', 'parcelco', { signedBy: 'J. Doe' }),
  event('s2', 'e13', 'ShipmentOutForDelivery', 'swiftpost', { hub: 'FRA1' }),
  event('s2', 'e14', 'DeliveryAttemptFailed', 'swiftpost', { reason: 'refused' }),
  event('s2', 'e15', 'ShipmentOutForDelivery', 'swiftpost', { hub: 'FRA1' }),
  event('s2', 'e16', 'DeliveryAttemptFailed', 'swiftpost', { reason: 'not-home' }),
  event('s3', 'e17', 'ShipmentCreated', 'parcelco', created),
];

/** The declared fields each parcel ends with. */
export const finalFields = {
  s1: {
    carrier: 'parcelco',
    destinationHub: 'AMS1',
    failedAttempts: 1,
    hubsVisited: 2,
    route: 'LHR2 > AMS1',
  },
  s2: {
    carrier: 'swiftpost',
    destinationHub: 'FRA1',
    failedAttempts: 2,
    hubsVisited: 1,
    route: 'FRA1',
  },
  s3: {
    carrier: 'parcelco',
    destinationHub: 'AMS1',
    failedAttempts: 0,
    hubsVisited: 0,
    route: '',
  },
} as const;
