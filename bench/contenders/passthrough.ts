/**
 * B0c, the passthrough ceiling: each batch is produced unchanged to the output topic with the
 * worker's producer settings, then its offsets are committed. The most any consume-transform-
 * produce loop on this client and broker can do.
 */
import { connectKafka, createConsumer, createProducer } from '../../src/kafka/index.js';
import { commitAfter, benchConsumerOverrides } from './commit.js';
import { contenderProcess, runUntilSignal } from './process-kit.js';

const { settings, conn, log } = contenderProcess('passthrough');
const output = settings.output;
if (output === undefined) throw new Error('passthrough: settings.output is required');
const consumer = createConsumer(conn, log, {
  clientId: 'bench-passthrough',
  groupId: settings.group,
  overrides: benchConsumerOverrides,
});
const producer = createProducer(conn, log, { clientId: 'bench-passthrough' });
let produced = 0;

runUntilSignal(
  'passthrough',
  async () => {
    await connectKafka(producer, conn, 'passthrough');
    await connectKafka(consumer, conn, 'passthrough');
    await consumer.subscribe({ topics: [settings.input] });
    await consumer.run({
      partitionsConsumedConcurrently: settings.concurrency,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
        await producer.send({ topic: output, messages });
        produced += messages.length;
        await commitAfter(consumer, batch);
      },
    });
  },
  async () => {
    await consumer.disconnect();
    await producer.disconnect();
  },
  () => ({ produced }),
);
