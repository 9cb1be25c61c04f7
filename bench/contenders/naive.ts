/**
 * B1, the naive consumer most first versions look like: one message at a time, `JSON.parse`,
 * awaited Redis reads and writes per event, an awaited send per derived record and a commit per
 * message. Correct when it is not killed; slow because every step waits for a round trip.
 */
import { Redis } from 'ioredis';
import { connectKafka, createConsumer, createProducer } from '../../src/kafka/index.js';
import { referenceStep, validateRecord, type RefEntry } from '../../src/reconcile/index.js';
import { contenderProcess, runUntilSignal } from './process-kit.js';

const MAX_VALUE_BYTES = 65_536;

const { settings, conn, log } = contenderProcess('naive');
const { output, statePrefix } = settings;
if (output === undefined || statePrefix === undefined) {
  throw new Error('naive: settings.output and settings.statePrefix are required');
}
const consumer = createConsumer(conn, log, { clientId: 'bench-naive', groupId: settings.group });
const producer = createProducer(conn, log, { clientId: 'bench-naive' });
const redis = new Redis(settings.redisUrl, { lazyConnect: true });
let handled = 0;

runUntilSignal(
  'naive',
  async () => {
    await redis.connect();
    await connectKafka(producer, conn, 'naive');
    await connectKafka(consumer, conn, 'naive');
    await consumer.subscribe({ topics: [settings.input] });
    await consumer.run({
      partitionsConsumedConcurrently: settings.concurrency,
      eachMessage: async ({ topic, partition, message }) => {
        const checked = validateRecord(message.key, message.value, MAX_VALUE_BYTES);
        if (checked.ok) {
          const event = checked.event;
          const key = `${statePrefix}:order:${event.orderId}`;
          const stored = await redis.get(key);
          const entry = stored === null ? undefined : (JSON.parse(stored) as RefEntry);
          const step = referenceStep(entry, event);
          if (step.outcome === 'applied' && step.entry !== undefined) {
            await redis.set(key, JSON.stringify(step.entry));
            if (step.revenue) {
              await redis.hincrby(
                `${statePrefix}:revenue`,
                step.revenue.currency,
                step.revenue.cents,
              );
            }
            const status = {
              orderId: event.orderId,
              status: step.entry.order.status,
              previousStatus: entry?.order.status ?? null,
              eventId: event.eventId,
              timestamp: event.timestamp,
            };
            await producer.send({
              topic: output,
              messages: [{ key: event.orderId, value: JSON.stringify(status) }],
            });
          }
        }
        handled += 1;
        await consumer.commitOffsets([
          { topic, partition, offset: String(Number(message.offset) + 1) },
        ]);
      },
    });
  },
  async () => {
    await consumer.disconnect();
    await producer.disconnect();
    redis.disconnect();
  },
  () => ({ handled }),
);
