import { Option, type Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParkedEntry } from '../../pipeline/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withStateReader } from '../open-state-reader.js';
import { positiveInt } from '../parse-options.js';
import { loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean; timeoutMs: number; list?: boolean } & Parameters<
  typeof connectionFrom
>[0];

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function registerUnpark(program: Command): void {
  withConnectionOptions(
    program
      .command('unpark')
      .description(
        'release a parked key: the worker owning its partition applies its held events in order ' +
          '(exit 1 if the key is not parked or no worker does it in time)',
      )
      .argument('<topology>', 'topology file')
      .argument('[key]', 'the parked key (an order id)')
      .option('--list', 'list the parked keys instead')
      .option('--json', 'print JSON')
      .addOption(
        new Option('--timeout-ms <ms>', 'how long to wait for the worker to carry it out')
          .argParser(positiveInt('--timeout-ms'))
          .default(60_000),
      ),
  ).action(async (file: string, key: string | undefined, flags: Flags) => {
    const conn = connectionFrom(flags);
    // Either format: both keep a parked key's entry and held events in the same shape.
    const { topology } = loadAnyTopologyArgument(file);
    await withStateReader(conn, topology, 'streamfold-unpark', async (reader) => {
      const partitions = await reader.partitions();
      if (flags.list === true || key === undefined) {
        const parked = await reader.hashPerShard(partitions, 'parked');
        const rows = [...parked].flatMap(([partition, hash]) =>
          Object.values(hash).map((json) => {
            const e = JSON.parse(json) as ParkedEntry;
            return {
              partition,
              key: e.key,
              eventId: e.eventId,
              offset: e.offset,
              held: e.held.length,
              reason: e.reason,
            };
          }),
        );
        if (flags.json) print(JSON.stringify({ parked: rows }));
        else if (rows.length === 0) print(`no parked keys in topology ${topology.name}`);
        else
          for (const r of rows)
            print(
              `partition ${r.partition} ${r.key}: ${r.held} held since offset ${r.offset} (${r.reason})`,
            );
        return;
      }
      const found = [...(await reader.fieldPerShard(partitions, 'parked', key))].find(
        ([, json]) => json !== null,
      );
      if (found === undefined) {
        if (flags.json) print(JSON.stringify({ error: 'not parked', key }));
        else process.stderr.write(`key ${key} is not parked in topology ${topology.name}\n`);
        process.exitCode = 1;
        return;
      }
      const [partition, json] = found;
      const entry = JSON.parse(json!) as ParkedEntry;
      await reader.requestUnpark(partition, key);
      const deadline = Date.now() + flags.timeoutMs;
      while (Date.now() < deadline) {
        if (!(await reader.unparkPending(partition, key))) {
          const result = { key, partition, released: entry.held.length };
          if (flags.json) print(JSON.stringify(result));
          else
            print(
              `unparked ${key} (partition ${partition}): ${entry.held.length} held events applied in order`,
            );
          return;
        }
        await sleep(200);
      }
      const message =
        `no worker carried out the unpark of ${key} within ${flags.timeoutMs} ms; the request ` +
        `stays, and the owner of partition ${partition} will carry it out when it runs`;
      if (flags.json) print(JSON.stringify({ error: 'timeout', key, partition }));
      else process.stderr.write(`${message}\n`);
      process.exitCode = 1;
    });
  });
}
