import { describe, expect, it } from 'vitest';
import { kafkaLogger } from '../../../src/kafka/logger-adapter.js';
import { RepeatFilter } from '../../../src/kafka/repeat-filter.js';
import type { Logger } from '../../../src/logger.js';

describe('RepeatFilter', () => {
  it('admits the first of a burst, then the next after the window with the count left out', () => {
    let now = 0;
    const filter = new RepeatFilter(10_000, () => now);
    expect(filter.admit('down')).toEqual({ suppressed: 0 });
    now = 100;
    expect(filter.admit('down')).toBeUndefined();
    expect(filter.admit('other')).toEqual({ suppressed: 0 });
    now = 9_999;
    expect(filter.admit('down')).toBeUndefined();
    now = 10_000;
    expect(filter.admit('down')).toEqual({ suppressed: 2 });
    now = 10_001;
    expect(filter.admit('down')).toBeUndefined();
  });

  it('keeps at most maxKeys messages, forgetting the oldest', () => {
    let now = 0;
    const filter = new RepeatFilter(10_000, () => now, 2);
    filter.admit('a');
    filter.admit('b');
    filter.admit('c');
    now = 1;
    expect(filter.admit('a')).toEqual({ suppressed: 0 });
    expect(filter.admit('c')).toBeUndefined();
  });
});

describe('kafkaLogger', () => {
  it('logs a flood of one error once, but tells onError about every occurrence', () => {
    const lines: { level: string; obj: object; msg: string }[] = [];
    const sink =
      (level: string) =>
      (obj: object, msg: string): void => {
        lines.push({ level, obj, msg });
      };
    const log = {
      error: sink('error'),
      warn: sink('warn'),
      info: sink('info'),
      debug: sink('debug'),
    };
    const errors: string[] = [];
    const adapter = kafkaLogger(log as unknown as Logger, (m) => errors.push(m));
    for (let i = 0; i < 50; i++) adapter.error('all broker connections are down');
    for (let i = 0; i < 3; i++) adapter.info('joined');
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(3);
    expect(errors).toHaveLength(50);
  });
});
