/** The command line of `npm run chaos` (`make chaos DURATION= SEED= ARGS=`). */
import path from 'node:path';
import type { Interval } from './faults.js';

export interface Options {
  duration: number;
  seed: number;
  rate: number;
  partitions: number;
  interval: Interval;
  /** The run fails when fewer faults than this were injected (CI asks for 15 in 180 s). */
  minFaults: number;
  /** Run without a network namespace (and so without the network faults). */
  noNetns: boolean;
  out: string;
  keepData: boolean;
}

export const USAGE =
  'usage: npm run chaos -- [--duration s (180)] [--seed n (1)] [--rate events/s (200)]\n' +
  '                        [--partitions n (6)] [--interval min-max s (5-10)] [--min-faults n (0)]\n' +
  '                        [--no-netns] [--out dir (chaos/results)] [--keep-data]\n';

function parseInterval(value: string | undefined): Interval {
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(value ?? '');
  const minMs = Number(m?.[1]) * 1000;
  const maxMs = Number(m?.[2]) * 1000;
  if (!m || minMs < 1000 || maxMs < minMs) {
    throw new Error(`--interval needs min-max seconds, min ≥ 1 and max ≥ min (got ${value})`);
  }
  return { minMs, maxMs };
}

/** Parses argv; `--help` prints the usage and returns undefined. */
export function parseOptions(argv: readonly string[], root: string): Options | undefined {
  const o: Options = {
    duration: 180,
    seed: 1,
    rate: 200,
    partitions: 6,
    interval: { minMs: 5000, maxMs: 10_000 },
    minFaults: 0,
    noNetns: false,
    out: path.join(root, 'chaos/results'),
    keepData: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const num = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
      i += 1;
      return n;
    };
    switch (flag) {
      case '--duration':
        o.duration = num();
        break;
      case '--seed':
        o.seed = Math.trunc(num());
        break;
      case '--rate':
        o.rate = num();
        break;
      case '--partitions':
        o.partitions = Math.trunc(num());
        break;
      case '--interval':
        o.interval = parseInterval(value);
        i += 1;
        break;
      case '--min-faults':
        o.minFaults = Math.trunc(num());
        break;
      case '--no-netns':
        o.noNetns = true;
        break;
      case '--out':
        o.out = path.resolve(value ?? o.out);
        i += 1;
        break;
      case '--keep-data':
        o.keepData = true;
        break;
      case '--help':
        process.stdout.write(USAGE);
        return undefined;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (o.duration <= 0 || o.rate <= 0) throw new Error('--duration and --rate must be positive');
  if (o.partitions < 1) throw new Error('--partitions must be at least 1');
  return o;
}
