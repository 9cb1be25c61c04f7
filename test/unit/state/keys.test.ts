import { describe, expect, it } from 'vitest';
import { shardKeys, topologyKeys } from '../../../src/state/keys.js';

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('shardKeys', () => {
  const keys = shardKeys('sf', 'orders', 3);
  const all = [keys.epoch, keys.applied, keys.totals, keys.outbox, keys.states];

  it('puts every key of a shard in one Redis Cluster hash slot', () => {
    expect(new Set(all.map(hashTag))).toEqual(new Set(['orders:3']));
  });

  it('keeps the cross-shard partition registry outside any shard', () => {
    expect(topologyKeys('sf', 'orders').partitions).toBe('sf:orders:partitions');
    expect(hashTag(topologyKeys('sf', 'orders').partitions)).not.toBe('orders:3');
  });

  it('namespaces by prefix, topology and partition', () => {
    expect(keys.applied).toBe('sf:{orders:3}:applied');
    expect(new Set(all).size).toBe(all.length);
    const other = [
      shardKeys('sf', 'orders', 4),
      shardKeys('sf', 'ltv', 3),
      shardKeys('t1', 'orders', 3),
    ];
    for (const o of other) expect(o.applied).not.toBe(keys.applied);
  });
});
