/**
 * `make chaos DURATION=180 SEED=1`: two workers, the simulator at a steady rate and a seeded
 * fault injector against a Kafka broker and a Redis server of the run's own (free ports, temp
 * directories; never the shared stack). Where it can (root, ip, nft), the run re-executes itself
 * in a network namespace of its own so the network faults can drop the workers' traffic.
 * Exits 1 when a judgement fails, 2 when the run could not be carried out. docs/reliability.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETNS_ENV, netnsUnavailable, runInNetns } from './netns.js';
import { parseOptions } from './options.js';
import { runChaos } from './run.js';
import { log } from './util.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2), root);
  if (!opts) return 0;
  const inside = process.env[NETNS_ENV];
  if (inside) return runChaos(opts, root, inside);
  if (!opts.noNetns) {
    const why = netnsUnavailable();
    if (!why) return runInNetns(process.argv.slice(1));
    log(`no network namespace (${why}): the network faults are off`);
  }
  return runChaos(opts, root);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(
      `chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(2);
  },
);
