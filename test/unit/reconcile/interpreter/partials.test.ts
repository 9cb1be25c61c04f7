import { describe, expect, it } from 'vitest';
import type { Aggregate, JsonValue } from '../../../../src/pipeline/program/types.js';
import {
  applyChange,
  groupPartial,
  groupPartials,
  mergeGroups,
  type Groups,
} from '../../../../src/reconcile/interpreter/partials.js';
import type { Feed } from '../../../../src/reconcile/interpreter/types.js';
import { event } from './programs.js';

const every: Aggregate = {
  name: 'every',
  groupBy: [],
  metrics: [
    { name: 'n', kind: 'count' },
    { name: 'total', kind: 'sum', of: event('a') },
    { name: 'byCurrency', kind: 'sum', of: event('a'), by: event('c') },
    { name: 'low', kind: 'min', of: event('a') },
    { name: 'high', kind: 'max', of: event('a') },
    { name: 'latest', kind: 'last', of: event('c') },
    { name: 'seen', kind: 'distinct', of: event('c') },
  ],
};

const add = (metric: string, amount: number, sub?: string): Feed => ({
  metric,
  kind: 'add',
  sub,
  amount,
});
const value = (metric: string, v: JsonValue, time: number): Feed => ({
  metric,
  kind: 'value',
  value: v,
  time,
});

function fed(group: string, ...feeds: Feed[][]): Groups {
  const groups: Groups = new Map();
  for (const change of feeds) applyChange(every, groups, new Map([[group, change]]));
  return groups;
}

describe('partials', () => {
  it('a group has every metric, never-fed ones empty, in metric order', () => {
    const groups = fed('g', [add('n', 1)]);
    const partial = groupPartial(every, groups.get('g')!);
    expect(partial).toEqual({
      n: 1,
      total: 0,
      byCurrency: {},
      low: null,
      high: null,
      latest: null,
      seen: [],
    });
    expect(Object.keys(partial)).toEqual([
      'n',
      'total',
      'byCurrency',
      'low',
      'high',
      'latest',
      'seen',
    ]);
  });

  it('adds counts and sums, keeps a by sub-key at 0, takes min and max, the newest last, sorted distinct texts', () => {
    const groups = fed(
      'g',
      [
        add('n', 1),
        add('total', 5),
        add('byCurrency', 5, 'USD'),
        value('low', 5, 10),
        value('high', 5, 10),
        value('latest', 'USD', 10),
        value('seen', 'USD', 10),
      ],
      [
        add('n', 1),
        add('total', -5),
        add('byCurrency', -5, 'USD'),
        value('low', 3, 9),
        value('high', 3, 9),
        value('latest', 'EUR', 9),
        value('seen', 'EUR', 9),
      ],
      // An equal time: the later transition wins.
      [
        value('latest', 'GBP', 10),
        value('seen', 2, 10),
        value('seen', 'USD', 11),
        value('seen', { a: 'x' }, 12),
      ],
    );
    expect(groupPartials(every, groups)).toEqual(
      new Map([
        [
          'g',
          {
            n: 2,
            total: 0,
            byCurrency: { USD: 0 },
            low: 3,
            high: 5,
            latest: { value: 'GBP', time: 10 },
            seen: ['"EUR"', '"USD"', '2', '{"a":"x"}'],
          },
        ],
      ]),
    );
  });

  it('merges partitions: add, union of sub-keys, least and greatest, newest last, union of distinct', () => {
    const p0 = fed('g', [
      add('n', 2),
      add('byCurrency', 4, 'USD'),
      value('low', 7, 1),
      value('high', 7, 1),
      value('latest', 'a', 20),
      value('seen', 'x', 1),
    ]);
    const p1 = fed('g', [
      add('n', 3),
      add('byCurrency', 1, 'EUR'),
      value('low', 9, 1),
      value('high', 9, 1),
      value('latest', 'b', 19),
      value('seen', 'y', 1),
    ]);
    const p2 = fed('h', [add('total', 6)]);
    const merged = groupPartials(every, mergeGroups(every, [p0, p1, p2]));
    expect(merged).toEqual(
      new Map([
        [
          'g',
          {
            n: 5,
            total: 0,
            byCurrency: { EUR: 1, USD: 4 },
            low: 7,
            high: 9,
            latest: { value: 'a', time: 20 },
            seen: ['"x"', '"y"'],
          },
        ],
        ['h', { n: 0, total: 6, byCurrency: {}, low: null, high: null, latest: null, seen: [] }],
      ]),
    );
  });

  it('merges last on a time tie to the higher partition', () => {
    const p0 = fed('g', [value('latest', 'from-0', 5)]);
    const p1 = fed('g', [value('latest', 'from-1', 5)]);
    const p2 = fed('g', [value('latest', 'from-2', 4)]);
    const merged = mergeGroups(every, [p0, p1, p2]);
    expect(groupPartial(every, merged.get('g')!).latest).toEqual({ value: 'from-1', time: 5 });
  });

  it('writes group keys and by sub-keys in plain sort order', () => {
    const groups: Groups = new Map();
    applyChange(
      every,
      groups,
      new Map([['b', [add('byCurrency', 1, 'USD'), add('byCurrency', 1, 'AUD')]]]),
    );
    applyChange(every, groups, new Map([['a', [add('n', 1)]]]));
    const out = groupPartials(every, groups);
    expect([...out.keys()]).toEqual(['a', 'b']);
    expect(Object.keys(out.get('b')!.byCurrency as Record<string, number>)).toEqual(['AUD', 'USD']);
  });
});
