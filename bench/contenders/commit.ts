import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Consumer } from '../../src/kafka/index.js';

/** The worker's batch size (`streamfold run --max-batch` default), so every consumer reads alike. */
export const benchConsumerOverrides = { 'js.consumer.max.batch.size': 2000 };

/** Commits the offset after the batch's last message, as the worker does after each batch. */
export async function commitAfter(consumer: Consumer, batch: KafkaJS.Batch): Promise<void> {
  const last = batch.messages.at(-1);
  if (last === undefined) return;
  await consumer.commitOffsets([
    { topic: batch.topic, partition: batch.partition, offset: String(Number(last.offset) + 1) },
  ]);
}
