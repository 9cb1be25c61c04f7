import { readTopic } from '../../src/kafka/read-topic.js';
import type { Totals } from '../reference.js';
import type { BenchContext } from '../types.js';

/**
 * Kafka Streams' revenue: its `revenue-totals` store keeps a total per currency in each task
 * (input partition), and the store's changelog holds every update. The last value per
 * partition and currency, summed over partitions, is the revenue.
 */
export async function readChangelogTotals(ctx: BenchContext, changelog: string): Promise<Totals> {
  const last = new Map<string, number>();
  await readTopic(ctx.conn, ctx.log, changelog, {
    onRecord: (r) => {
      if (r.key === null) return;
      const currency = r.key.toString('utf8');
      const cents = r.value === null || r.value.length !== 8 ? 0 : Number(r.value.readBigInt64BE());
      last.set(`${r.partition}\u0000${currency}`, cents);
    },
  });
  const totals: Totals = {};
  for (const [key, cents] of last) {
    const currency = key.slice(key.indexOf('\u0000') + 1);
    totals[currency] = (totals[currency] ?? 0) + cents;
  }
  return totals;
}
