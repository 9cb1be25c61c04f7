/**
 * `streamfold query state <topology> <key>` and `query aggregate <topology> <name>`: any
 * language topology's key states and aggregates, the JSON of `GET /state/:key` and
 * `GET /aggregates/:name` without `appliedOffsets`. `query named <topology> <name>` runs a view
 * of the topology's `queries:` section: the JSON of its path without `appliedOffsets`.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import {
  findNamedQuery,
  queryAggregate,
  queryState,
  runNamedQuery,
  takesArgument,
  type NamedQueryResult,
} from '../../query/program/index.js';
import { WindowQueryError } from '../../query/index.js';
import type { LanguageTopology } from '../../topology/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withProgramReader } from '../open-state-reader.js';
import { loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean } & Parameters<typeof connectionFrom>[0];
type AggregateFlags = Flags & { group: string[] };
type NamedFlags = Flags & { size?: string; from?: string; to?: string };

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function languageTopology(file: string, command: string): LanguageTopology {
  const loaded = loadAnyTopologyArgument(file);
  if (loaded.kind === 'language') return loaded.topology;
  throw new ConfigError(file, [
    {
      path: '(file)',
      message: `expected a topology of the language for \`query ${command}\` (docs/language.md), got one of the built-in format: use \`query order\`, \`revenue\`, \`windows\` or \`customer\``,
    },
  ]);
}

/** A refusal: `{"error":…}` with --json, else the message on stderr; exit 1 either way. */
function refuse(message: string, json: boolean | undefined): void {
  if (json) print(JSON.stringify({ error: message }));
  else process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerProgramQueries(query: Command): void {
  withConnectionOptions(
    query
      .command('state')
      .description("one key's state in a language topology (exit 1 if absent)")
      .argument('<topology>', 'topology file')
      .argument('<key>', 'the key to look up')
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, key: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const topology = languageTopology(file, 'state');
    const found = await withProgramReader(conn, topology, 'streamfold-query', (reader) =>
      queryState(reader, topology, key),
    );
    if (found.kind === 'not-found') {
      if (flags.json) print(JSON.stringify({ error: 'not found' }));
      else process.stderr.write(`key ${key} not found in topology ${topology.name}\n`);
      process.exitCode = 1;
      return;
    }
    if (flags.json) {
      print(JSON.stringify(found.state));
      return;
    }
    print(`${key} (topology ${topology.name}, partition ${found.partition})`);
    for (const [field, value] of Object.entries(found.state)) {
      print(`  ${field.padEnd(16)} ${JSON.stringify(value)}`);
    }
  });

  withConnectionOptions(
    query
      .command('aggregate')
      .description("an aggregate's groups in a language topology, merged over partitions")
      .argument('<topology>', 'topology file')
      .argument('<name>', 'the aggregate')
      .option('--group <field=value>', 'only this group (repeat for each group field)', collect, [])
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, name: string, flags: AggregateFlags) => {
    const conn = connectionFrom(flags);
    const topology = languageTopology(file, 'aggregate');
    let result: Awaited<ReturnType<typeof queryAggregate>>;
    try {
      result = await withProgramReader(conn, topology, 'streamfold-query', (reader) =>
        queryAggregate(reader, topology, name, flags.group.length > 0 ? flags.group : undefined),
      );
    } catch (error) {
      if (!(error instanceof WindowQueryError)) throw error;
      if (flags.json) print(JSON.stringify({ error: error.message }));
      else process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    if (flags.json) {
      print(JSON.stringify(result));
      return;
    }
    print(`aggregate ${name} of topology ${topology.name}: ${result.groups.length} groups`);
    for (const row of result.groups) print(`  ${JSON.stringify(row)}`);
  });

  withConnectionOptions(
    query
      .command('named')
      .description("a view the topology's queries: section names (exit 1 if absent)")
      .argument('<topology>', 'topology file')
      .argument('<name>', 'the query, as named in the file')
      .argument('[key-or-group]', 'the key of a state view, the group of a group view')
      .option('--size <size>', 'window size, for a totals-windows view')
      .option('--from <instant>', 'epoch ms or ISO 8601, for a totals-windows view')
      .option('--to <instant>', 'epoch ms or ISO 8601, for a totals-windows view')
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, name: string, argument: string | undefined, flags: NamedFlags) => {
    const conn = connectionFrom(flags);
    const topology = languageTopology(file, 'named');
    const named = findNamedQuery(topology, name);
    if (named === undefined) {
      const known = topology.queries.map((q) => q.name).join(', ') || 'none';
      refuse(`topology ${topology.name} has no query ${name}: it has ${known}`, flags.json);
      return;
    }
    if (takesArgument(named) !== (argument !== undefined)) {
      const what =
        named.view === 'state' ? 'a key' : named.view === 'group' ? 'a group' : 'nothing';
      refuse(`query ${name} (a ${named.view} view) takes ${what} after its name`, flags.json);
      return;
    }
    const params = { size: flags.size ?? null, from: flags.from ?? null, to: flags.to ?? null };
    let result: NamedQueryResult;
    try {
      result = await withProgramReader(conn, topology, 'streamfold-query', (reader) =>
        runNamedQuery(reader, topology, named, argument ?? '', params),
      );
    } catch (error) {
      if (!(error instanceof WindowQueryError)) throw error;
      refuse(error.message, flags.json);
      return;
    }
    if (result.kind === 'not-found') {
      if (flags.json) print(JSON.stringify({ error: 'not found' }));
      else process.stderr.write(`${argument ?? ''} not found by query ${name}\n`);
      process.exitCode = 1;
      return;
    }
    if (flags.json) {
      print(JSON.stringify(result.body));
      return;
    }
    print(`${name} (a ${named.view} view of topology ${topology.name})`);
    for (const [field, value] of Object.entries(result.body)) {
      print(`  ${field.padEnd(16)} ${JSON.stringify(value)}`);
    }
  });
}
