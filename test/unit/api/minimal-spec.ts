// The smallest topology of the tests: one transition, one counter the reducer keeps.
import type { TopologySpec } from 'streamfold';

export const minimalSpec = {
  name: 'minimal',
  input: {
    topic: 'minimal-events',
    group: 'streamfold-minimal',
    schema: {
      type: 'object',
      required: ['id', 'eventId', 'time', 'type'],
      properties: {
        id: { type: 'string' },
        eventId: { type: 'string' },
        time: { type: 'integer' },
        type: { enum: ['ParcelCreated', 'ParcelScanned'] },
        hub: { type: 'string' },
      },
    },
    key: 'id',
    eventId: 'eventId',
    time: 'time',
    type: 'type',
  },
  state: {
    fields: {
      status: { type: 'status' },
      scans: { type: 'integer', default: 0 },
      lastHub: { type: 'string', from: 'hub' },
    },
    machine: {
      initial: 'none',
      states: ['created'],
      transitions: [
        { on: 'ParcelCreated', from: ['none'], to: 'created' },
        { on: 'ParcelScanned', from: ['created'], to: 'created' },
      ],
    },
  },
  outputs: { deadLetter: 'minimal-events-dlt' },
} as const satisfies TopologySpec;
