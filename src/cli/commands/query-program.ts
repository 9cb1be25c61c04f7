/**
 * `streamfold query state <topology> <key>` and `query aggregate <topology> <name>`: any
 * language topology's key states and aggregates, the JSON of `GET /state/:key` and
 * `GET /aggregates/:name` without `appliedOffsets`.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { queryAggregate, queryState } from '../../query/program/index.js';
import { WindowQueryError } from '../../query/index.js';
import type { LanguageTopology } from '../../topology/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withProgramReader } from '../open-state-reader.js';
import { loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean } & Parameters<typeof connectionFrom>[0];
type AggregateFlags = Flags & { group: string[] };

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
}
