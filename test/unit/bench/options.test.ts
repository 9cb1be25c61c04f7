import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { benchDefaults, contenderList, integerAtLeast } from '../../../bench/options.js';
import { ContenderIds } from '../../../bench/types.js';

describe('integerAtLeast', () => {
  it('reads decimal integers, with _ as a digit separator', () => {
    expect(integerAtLeast(1)('5')).toBe(5);
    expect(integerAtLeast(100)('100')).toBe(100);
    expect(integerAtLeast(0)('0')).toBe(0);
    expect(integerAtLeast(1)('1_000_000')).toBe(1_000_000);
    expect(integerAtLeast(1)(' 30 ')).toBe(30);
  });

  it('rejects a value below the minimum, naming the minimum and the value', () => {
    const parse = integerAtLeast(100);
    expect(() => parse('99')).toThrow(InvalidArgumentError);
    expect(() => parse('99')).toThrow('expected an integer ≥ 100, got "99"');
    expect(() => integerAtLeast(1)('0')).toThrow('expected an integer ≥ 1, got "0"');
  });

  it.each(['-1', '1.5', '1e3', '0x10', 'abc', '', ' ', '_5', '5 apples', 'Infinity', 'NaN'])(
    'rejects %j as not an integer',
    (value) => {
      expect(() => integerAtLeast(0)(value)).toThrow(
        new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`),
      );
    },
  );

  it('rejects integers too large to count exactly', () => {
    expect(() => integerAtLeast(0)('9007199254740993')).toThrow(/expected an integer ≥ 0/);
    expect(integerAtLeast(0)(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('contenderList', () => {
  const expected = 'expected a comma-separated list of b0a, b0c, b1-1, b1-p, sut, ks';

  it('reads known ids in the given order, trimmed, each once', () => {
    expect(contenderList('sut')).toEqual(['sut']);
    expect(contenderList('ks,sut,b0a')).toEqual(['ks', 'sut', 'b0a']);
    expect(contenderList(' b1-1 , b1-p ')).toEqual(['b1-1', 'b1-p']);
    expect(contenderList('sut,ks,sut')).toEqual(['sut', 'ks']);
    expect(contenderList(ContenderIds.join(','))).toEqual([...ContenderIds]);
  });

  it('names every unknown contender and lists the known ones', () => {
    expect(() => contenderList('sut,flink,B0A')).toThrow(InvalidArgumentError);
    expect(() => contenderList('sut,flink,B0A')).toThrow(
      `unknown contender "flink", "B0A"; ${expected}`,
    );
  });

  it('rejects empty entries and an empty list', () => {
    expect(() => contenderList('')).toThrow(`unknown contender ""; ${expected}`);
    expect(() => contenderList('sut,,ks')).toThrow(`unknown contender ""; ${expected}`);
    expect(() => contenderList('sut,')).toThrow(expected);
  });
});

describe('benchDefaults', () => {
  it('runs every contender and parses with its own parsers', () => {
    expect(benchDefaults.contenders).toEqual([...ContenderIds]);
    expect(contenderList(benchDefaults.contenders.join(','))).toEqual(benchDefaults.contenders);
    expect(integerAtLeast(100)(String(benchDefaults.events))).toBe(benchDefaults.events);
  });
});
