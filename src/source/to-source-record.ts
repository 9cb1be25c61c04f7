import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { headersAsText } from '../kafka/index.js';
import type { SourceRecord } from '../pipeline/types.js';

/** A client message as the pure pipeline sees it: numbers, buffers and string headers. */
export function toSourceRecord(
  topic: string,
  partition: number,
  message: KafkaJS.KafkaMessage,
): SourceRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key,
    value: message.value,
    timestamp: Number(message.timestamp),
    headers: headersAsText(message.headers),
  };
}
