import { describe, expect, it } from 'vitest';
import { javaPartition, murmur2 } from '../../helpers/murmur2.js';

// Reference values printed by Kafka's own org.apache.kafka.common.utils.Utils.murmur2.
const javaMurmur2: [string, number, number][] = [
  ['21', -973932308, 0],
  ['foobar', -790332482, 0],
  ['a-little-bit-long-string', -985981536, 2],
  ['a-little-bit-longer-string', -1486304829, 5],
  ['abc', 479470107, 3],
  ['order-1', 1221710326, 4],
  ['ünïcödé', 201421315, 1],
];

describe('murmur2 test helper', () => {
  it.each(javaMurmur2)('%s hashes and partitions (of 6) as Java does', (key, hash, partition) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(hash);
    expect(javaPartition(key, 6)).toBe(partition);
  });
});
