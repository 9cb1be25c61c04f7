import { describe, expect, it } from 'vitest';
import {
  diffGenerations,
  LEGACY_LAYOUT,
  PROGRAM_LAYOUT,
} from '../../../src/rebuild/diff-generations.js';
import type { StateReader } from '../../../src/state/index.js';

type Hashes = Partial<Record<Parameters<StateReader['hash']>[1], Record<string, string>>>;

/** The two reads the diff makes of a generation, over one partition's hashes. */
function generation(applied: number, hashes: Hashes): StateReader {
  const reader = {
    applied: (partitions: readonly number[]) =>
      Promise.resolve(new Map(partitions.map((p) => [p, applied]))),
    hash: (_partition: number, hash: keyof Hashes) => Promise.resolve(hashes[hash] ?? {}),
  };
  return reader as unknown as StateReader;
}

const partial = { cents: 1200, captures: 2 };
const closed = (closedBy: 'watermark' | 'idle') =>
  JSON.stringify({
    aggregate: 'net-captured',
    size: '1h',
    sizeMs: 3_600_000,
    start: 0,
    end: 3_600_000,
    groups: { '["m-1","EUR"]': partial },
    closedBy,
  });
const openField = 'net-captured|1h|0|["m-1","EUR"]';

describe('diffGenerations of program shards', () => {
  it('compares a window by its groups, open or closed, whatever closed it', async () => {
    const open = generation(9, { windowsOpen: { [openField]: JSON.stringify(partial) } });
    const idle = generation(9, { windowsClosed: { 'net-captured|1h|0': closed('idle') } });
    const watermark = generation(9, {
      windowsClosed: { 'net-captured|1h|0': closed('watermark') },
    });
    expect(await diffGenerations(open, idle, [0], PROGRAM_LAYOUT)).toEqual({
      empty: true,
      hashes: {},
    });
    expect(await diffGenerations(idle, watermark, [0], PROGRAM_LAYOUT)).toEqual({
      empty: true,
      hashes: {},
    });
  });

  it('names the group whose partial differs', async () => {
    const live = generation(9, { windowsOpen: { [openField]: JSON.stringify(partial) } });
    const rebuilt = generation(9, {
      windowsOpen: { [openField]: JSON.stringify({ ...partial, captures: 3 }) },
    });
    expect(await diffGenerations(live, rebuilt, [0], PROGRAM_LAYOUT)).toEqual({
      empty: false,
      hashes: {
        windows: {
          count: 1,
          examples: [
            {
              partition: 0,
              field: openField,
              live: '{"cents":1200,"captures":2}',
              rebuilt: '{"cents":1200,"captures":3}',
            },
          ],
        },
      },
    });
  });

  it('compares states and partials as stored, parked keys by their held events', async () => {
    const parked = (parkedAt: number, held: number[]) =>
      JSON.stringify({
        key: 'p-1',
        eventId: 'e-1',
        offset: 3,
        reason: 'failed',
        parkedAt,
        held: held.map((offset) => ({ offset })),
      });
    const live = generation(9, {
      states: { 'p-1': '{"a":1}' },
      aggregates: { 'merchant-activity|m-1': '{"n":1}' },
      parked: { 'p-1': parked(100, [4, 5]) },
    });
    const rebuilt = generation(8, {
      states: { 'p-1': '{"a":2}' },
      aggregates: { 'merchant-activity|m-1': '{"n":1}' },
      parked: { 'p-1': parked(200, [4, 5]) },
    });
    const diff = await diffGenerations(live, rebuilt, [0], PROGRAM_LAYOUT);
    expect(diff).toEqual({
      empty: false,
      hashes: {
        applied: {
          count: 1,
          examples: [{ partition: 0, field: 'applied', live: '9', rebuilt: '8' }],
        },
        states: {
          count: 1,
          examples: [{ partition: 0, field: 'p-1', live: '{"a":1}', rebuilt: '{"a":2}' }],
        },
      },
    });
  });

  it('keeps comparing the legacy totals hash, which programs do not have', async () => {
    const live = generation(1, { totals: { EUR: '100' } });
    const rebuilt = generation(1, { totals: { EUR: '101' } });
    expect((await diffGenerations(live, rebuilt, [0])).hashes).toEqual({
      totals: { count: 1, examples: [{ partition: 0, field: 'EUR', live: '100', rebuilt: '101' }] },
    });
    expect(await diffGenerations(live, rebuilt, [0], LEGACY_LAYOUT)).toEqual(
      await diffGenerations(live, rebuilt, [0]),
    );
    expect(await diffGenerations(live, rebuilt, [0], PROGRAM_LAYOUT)).toEqual({
      empty: true,
      hashes: {},
    });
  });
});
