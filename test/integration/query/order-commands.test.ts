/**
 * `streamfold query order|revenue|windows|customer` on the language versions of the order
 * topologies (topologies/) print what they print today on topologies/orders.yaml and
 * customers.yaml, byte for byte, with and without --json, with the same exit codes: the same
 * events folded by both engines into real shards (../../helpers/order-shards.ts).
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerQuery } from '../../../src/cli/commands/query.js';
import { ConfigError, ErrorCodes, StreamfoldError } from '../../../src/errors.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  type RedisConnection,
} from '../../../src/state/index.js';
import { loadLanguageTopology, loadTopology } from '../../../src/topology/index.js';
import { testConnection, uniqueName } from '../../helpers/env.js';
import {
  atSecond as s,
  T,
  writeLegacyShards,
  writeProgramShards,
} from '../../helpers/order-shards.js';

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: typeof process.exitCode;
  readonly error: unknown;
}

/** Runs `streamfold query <args>` in this process, as the CLI's program does. */
async function streamfold(args: readonly string[]): Promise<Run> {
  const program = new Command('streamfold').exitOverride();
  registerQuery(program);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  let error: unknown;
  try {
    await program.parseAsync(['query', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout: out.join(''), stderr: err.join(''), exitCode, error };
}

describe('query order, revenue, windows and customer on language topologies', () => {
  let redis: RedisConnection;
  const prefix = uniqueName('order-commands');
  const legacyPrefix = `${prefix}-legacy`;

  beforeAll(async () => {
    redis = await connectRedis(createRedis(testConnection()));
    await writeProgramShards(redis, prefix, loadLanguageTopology('topologies/orders.yaml'));
    await writeProgramShards(redis, prefix, loadLanguageTopology('topologies/customers.yaml'));
    await writeLegacyShards(redis, legacyPrefix, loadTopology('test/fixtures/legacy/orders.yaml'));
    await writeLegacyShards(
      redis,
      legacyPrefix,
      loadTopology('test/fixtures/legacy/customers.yaml'),
    );
  });

  afterAll(async () => {
    await deleteMatching(redis, `${prefix}:*`);
    await deleteMatching(redis, `${legacyPrefix}:*`);
    await redis.quit();
  });

  /** One command on both engines: `[topology]` is the file of each, after the arguments. */
  async function both(
    command: string,
    args: readonly string[],
    files: readonly [legacy: string, language: string],
    flags: readonly string[] = [],
  ): Promise<[Run, Run]> {
    const legacy = await streamfold([
      command,
      ...args,
      files[0],
      ...flags,
      '--state-prefix',
      legacyPrefix,
    ]);
    const language = await streamfold([
      command,
      ...args,
      files[1],
      ...flags,
      '--state-prefix',
      prefix,
    ]);
    return [legacy, language];
  }

  const orders = ['test/fixtures/legacy/orders.yaml', 'topologies/orders.yaml'] as const;
  const customers = ['test/fixtures/legacy/customers.yaml', 'topologies/customers.yaml'] as const;
  const windowRanges: readonly (readonly string[])[] = [
    ['--size', '1m', '--from', String(s(0)), '--to', String(s(4100))],
    ['--size', '1h', '--from', String(T - 3_600_000), '--to', String(s(7200))],
    ['--size', '60s', '--from', new Date(s(30)).toISOString(), '--to', String(s(90))],
  ];

  type Case = readonly [
    command: string,
    args: readonly string[],
    files: readonly [string, string],
    flags: readonly string[],
  ];
  const cases: readonly Case[] = [
    ...['o-1', 'o-3', 'o-4', 'o-5', 'o-6', 'o-9'].map((id): Case => ['order', [id], orders, []]),
    ['revenue', [], orders, []],
    ...windowRanges.map((range): Case => ['windows', [], orders, range]),
    ...['c-1', 'c-2', 'c-3', 'c-9'].map((id): Case => ['customer', [id], customers, []]),
  ];

  it('print the same text and JSON, with the same exit codes', async () => {
    let found = 0;
    for (const [command, args, files, flags] of cases) {
      for (const json of [[], ['--json']]) {
        const [legacy, language] = await both(command, args, files, [...flags, ...json]);
        const what = [command, ...args, ...flags, ...json].join(' ');
        expect({ what, ...language }).toEqual({ what, ...legacy });
        expect(legacy.error).toBeUndefined();
        if (legacy.exitCode === undefined) found += 1;
      }
    }
    // Every command answered something, and the absent order and customer exit 1.
    expect(found).toBe((cases.length - 2) * 2);
    const [, absent] = await both('order', ['o-9'], orders, ['--json']);
    expect(absent).toEqual({
      stdout: '{"error":"not found"}\n',
      stderr: '',
      exitCode: 1,
      error: undefined,
    });
    const [, revenue] = await both('revenue', [], orders);
    expect(revenue.stdout).toBe(
      'revenue of topology orders (3 partitions)\n' +
        '  total        EUR 14.00, USD 30.00\n' +
        '  partition 0   EUR 5.00, USD 10.00\n' +
        '  partition 1   USD 20.00\n' +
        '  partition 2   EUR 9.00\n',
    );
  });

  it('refuse wrong window flags as today: SF_CONFIG_INVALID, the range named the same', async () => {
    const [legacy, language] = await both('windows', [], orders, [
      '--size',
      '1m',
      '--from',
      String(s(60)),
      '--to',
      String(s(0)),
    ]);
    for (const run of [legacy, language]) {
      expect(run.error).toBeInstanceOf(StreamfoldError);
      expect(run.error).toMatchObject({
        code: ErrorCodes.CONFIG_INVALID,
        message: 'from must be before to',
      });
    }
    const [, badFrom] = await both('windows', [], orders, [
      '--size',
      '1m',
      '--from',
      'x',
      '--to',
      '1',
    ]);
    expect(badFrom.error).toMatchObject({
      code: ErrorCodes.CONFIG_INVALID,
      message: '--from must be epoch milliseconds or ISO 8601, got "x"',
    });
    const [, badSize] = await both('windows', [], orders, [
      '--size',
      '2m',
      '--from',
      '0',
      '--to',
      '1',
    ]);
    expect(badSize.error).toMatchObject({
      code: ErrorCodes.CONFIG_INVALID,
      message: 'no windows of size 2m: the aggregate has 1m, 1h',
    });
  });

  it('refuse a language topology without the named query, naming its file and entry', async () => {
    const file = 'topologies/orders.yaml';
    const run = await streamfold(['customer', 'c-1', file, '--state-prefix', prefix]);
    expect(run.error).toBeInstanceOf(ConfigError);
    expect((run.error as ConfigError).message).toBe(
      `invalid configuration (${loadLanguageTopology(file).file}):\n` +
        "  queries: `query customer` runs the group view named customer in the topology's queries: section, and it has none: add an entry { name: customer, view: group, ... } or use `query state`, `aggregate` or `named`",
    );
    expect(run.stdout).toBe('');
  });
});
