import { describe, expect, it } from 'vitest';
import {
  allShardKeys,
  COMMIT_HASHES,
  namespaceOf,
  shardKeys,
  topologyKeys,
} from '../../../src/state/keys.js';

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('shardKeys', () => {
  const keys = shardKeys('sf', 'orders', 3);
  const all = allShardKeys(keys);

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

describe('allShardKeys', () => {
  it('lists epoch, applied, outbox and every hash a commit writes, each once', () => {
    const keys = shardKeys('sf', 'orders', 3);
    const all = allShardKeys(keys);
    expect(all).toEqual([
      'sf:{orders:3}:epoch',
      'sf:{orders:3}:applied',
      'sf:{orders:3}:outbox',
      'sf:{orders:3}:states',
      'sf:{orders:3}:totals',
      'sf:{orders:3}:agg',
      'sf:{orders:3}:win-open',
      'sf:{orders:3}:win-closed',
      'sf:{orders:3}:clock',
      'sf:{orders:3}:parked',
      'sf:{orders:3}:unpark',
    ]);
    expect(all).toHaveLength(3 + COMMIT_HASHES.length);
  });
});

describe('generations', () => {
  it('generation 0 keeps the bare name; later ones tag `<name>@<generation>`', () => {
    expect(namespaceOf('orders', 0)).toBe('orders');
    expect(namespaceOf('orders', 2)).toBe('orders@2');
    const rebuilt = shardKeys('sf', 'orders', 3, 2);
    expect(rebuilt.applied).toBe('sf:{orders@2:3}:applied');
    expect(new Set(allShardKeys(rebuilt).map(hashTag))).toEqual(new Set(['orders@2:3']));
    expect(shardKeys('sf', 'orders', 3, 0)).toEqual(shardKeys('sf', 'orders', 3));
  });

  it('keeps the generation pointer outside any shard', () => {
    expect(topologyKeys('sf', 'orders').generation).toBe('sf:orders:generation');
  });
});
