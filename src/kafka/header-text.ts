import type { KafkaJS } from '@confluentinc/kafka-javascript';

/** Kafka headers as UTF-8 text; a repeated header keeps its last value (Kafka's `lastHeader`). */
export function headersAsText(headers: KafkaJS.IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return out;
}
