import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Producer } from '../kafka/index.js';
import type { DerivedRecord } from '../pipeline/types.js';

/**
 * Sends records in one call per topic group and awaits every delivery report (idempotent
 * producer, acks=all): when this resolves, all records are durably in Kafka.
 */
export async function publish(
  producer: Producer,
  records: readonly DerivedRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const byTopic = new Map<string, KafkaJS.Message[]>();
  for (const r of records) {
    let messages = byTopic.get(r.topic);
    if (!messages) byTopic.set(r.topic, (messages = []));
    // The fold put `sf-id` in the headers already; they go out as they are.
    messages.push({ key: r.key, value: r.value, headers: r.headers });
  }
  await producer.sendBatch({
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
}
