import type { Redis } from 'ioredis';
import type { ConnectionConfig } from '../src/config/index.js';
import type { Admin } from '../src/kafka/index.js';
import type { Logger } from '../src/logger.js';
import type { PrefixReference } from './reference.js';

export const ContenderIds = ['b0a', 'b0c', 'b1-1', 'b1-p', 'sut', 'ks'] as const;
export type ContenderId = (typeof ContenderIds)[number];

/** The preloaded input every contender reads. */
export interface Workload {
  input: string;
  partitions: number;
  /** Records on the input topic. */
  events: number;
  reference: PrefixReference;
}

/** What a benchmark run needs from the outside world. */
export interface BenchContext {
  conn: ConnectionConfig;
  admin: Admin;
  redis: Redis;
  log: Logger;
  /** Unique per `bench` invocation; prefixes every topic, group and Redis namespace. */
  runId: string;
  /** Scratch directory for topology files and Kafka Streams state. */
  scratch: string;
  /** When set, the streamfold worker runs under `node --cpu-prof` and writes profiles here. */
  cpuProfileDir?: string;
  /** Extra flags for `streamfold run` (tuning experiments). */
  workerArgs: string[];
}

export interface VerifyInput {
  /** The group's committed offsets on the input once the contender has exited. */
  committed: ReadonlyMap<number, number>;
  /** The JSON line the contender printed on exit, if any. */
  report: Record<string, unknown> | undefined;
}

/** One contender's process for one run, and how to check what it did. */
export interface Launch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Whose committed offsets on the input topic measure progress. */
  group: string;
  /** The topic whose records carry the event's own timestamp (open-loop latency). */
  statusTopic?: string;
  /** Topics made for this run, deleted afterwards. */
  topics: string[];
  /** Redis key prefix made for this run, deleted afterwards. */
  statePrefix?: string;
  /** The problems with the contender's result; empty when it is correct. */
  verify(input: VerifyInput): Promise<string[]>;
}

export interface Contender {
  id: ContenderId;
  label: string;
  /** How the contender runs in one line, for the report. */
  description: string;
  /** Runs stop after the naive time budget (it would take an hour on a million events). */
  budgeted?: boolean;
  launch(
    ctx: BenchContext,
    workload: Workload,
    tag: string,
    statusTopicConfig: TopicConfig,
  ): Promise<Launch>;
}

export type TopicConfig = { name: string; value: string }[];

/** The figures reported per contender: per run, and as medians over the rounds. */
export interface Measures {
  eventsPerSecond: number;
  cpuMicrosPerEvent: { worker: number; broker: number; redis: number };
  rssBytes: { peak: number; steady: number };
  redisCommandsPerEvent: number;
}

/** One contender, one round. */
export interface RunResult extends Measures {
  contender: ContenderId;
  round: number;
  ok: boolean;
  problems: string[];
  /** Events processed inside the measured window (after the first 5% were committed). */
  events: number;
  seconds: number;
  /** Process start to the last commit, start-up and group join included. */
  totalSeconds: number;
  /** Events committed when the run ended. */
  processed: number;
}

export interface LatencyResult {
  contender: ContenderId;
  ok: boolean;
  problems: string[];
  targetRate: number;
  achievedRate: number;
  seconds: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
