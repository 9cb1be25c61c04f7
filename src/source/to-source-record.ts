import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { SourceRecord } from '../pipeline/types.js';

function headerText(value: KafkaJS.IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** A client message as the pure pipeline sees it: numbers, buffers and string headers. */
export function toSourceRecord(
  topic: string,
  partition: number,
  message: KafkaJS.KafkaMessage,
): SourceRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key,
    value: message.value,
    timestamp: Number(message.timestamp),
    headers,
  };
}
