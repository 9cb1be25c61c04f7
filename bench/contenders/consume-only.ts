/** B0a, the consume-only ceiling: batches in, counted, offsets committed; nothing else. */
import { connectKafka, createConsumer } from '../../src/kafka/index.js';
import { contenderProcess, runUntilSignal } from './process-kit.js';
import { commitAfter, benchConsumerOverrides } from './commit.js';

const { settings, conn, log } = contenderProcess('consume-only');
const consumer = createConsumer(conn, log, {
  clientId: 'bench-consume-only',
  groupId: settings.group,
  overrides: benchConsumerOverrides,
});
let consumed = 0;

runUntilSignal(
  'consume-only',
  async () => {
    await connectKafka(consumer, conn, 'consume-only');
    await consumer.subscribe({ topics: [settings.input] });
    await consumer.run({
      partitionsConsumedConcurrently: settings.concurrency,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        await commitAfter(consumer, batch);
      },
    });
  },
  () => consumer.disconnect(),
  () => ({ consumed }),
);
