import type { StateReader } from '../state/index.js';

/** `streamfold query revenue --json` and the HTTP API return exactly this. */
export interface RevenueQueryResult {
  /** Sum over partitions per currency, integer cents. */
  totals: Record<string, number>;
  /** Partition → currency → subtotal, as stored in each shard. */
  partitions: Record<string, Record<string, number>>;
}

/**
 * Global revenue is the sum over shards, read in one round of requests (docs/architecture.md,
 * Partition shards).
 */
export async function queryRevenue(reader: StateReader): Promise<RevenueQueryResult> {
  const partitions = await reader.partitions();
  const subtotals = await reader.totals(partitions);
  const result: RevenueQueryResult = { totals: {}, partitions: {} };
  const currencies = new Set<string>();
  for (const p of partitions) {
    const shard: Record<string, number> = {};
    for (const [currency, cents] of [...(subtotals.get(p) ?? [])].sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      shard[currency] = cents;
      currencies.add(currency);
    }
    result.partitions[String(p)] = shard;
  }
  for (const currency of [...currencies].sort()) {
    result.totals[currency] = partitions.reduce(
      (sum, p) => sum + (subtotals.get(p)?.get(currency) ?? 0),
      0,
    );
  }
  return result;
}
