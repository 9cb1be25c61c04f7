/**
 * The processor a topology runs on, over its store: the built-in order lifecycle for a file of the
 * legacy format, the program processor for a topology of the language (docs/architecture.md, "The
 * topology compiler"). Both get the same relay, crash and fault hooks and telemetry.
 */
import type { ConnectionConfig } from '../config/index.js';
import type { Producer } from '../kafka/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/index.js';
import {
  crashHookFromEnv,
  faultHookFromEnv,
  PartitionProcessor,
  ProgramProcessor,
  type ProcessorObserver,
} from '../protocol/index.js';
import { OutboxRelay } from '../sinks/index.js';
import type { PartitionHandler } from '../source/index.js';
import {
  ProgramStateStore,
  RedisStateStore,
  ScriptRunner,
  type RedisConnection,
} from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';
import { TimedStateStore, timedProgramStore } from './timed-state-store.js';

export interface ProcessorParts {
  readonly conn: ConnectionConfig;
  readonly log: Logger;
  readonly version: string;
  readonly metrics: Metrics;
  readonly redis: RedisConnection;
  readonly producer: Producer;
  readonly observer: ProcessorObserver;
}

export interface BuiltProcessor {
  readonly handler: PartitionHandler & { tick(): Promise<void> };
  /** The store, for closing it on stop. */
  readonly store: { close(): Promise<void> };
  /** How long a partition may be idle before its windows close (none: no windows). */
  readonly idleTimeoutMs: number | undefined;
}

export function buildProcessor(
  topology: CompiledTopology | LanguageTopology,
  parts: ProcessorParts,
): BuiltProcessor {
  const { conn, redis, metrics, producer } = parts;
  const shard = {
    redis,
    scripts: new ScriptRunner(),
    prefix: conn.statePrefix,
    topology: topology.name,
  };
  const beforeApply = faultHookFromEnv();
  const common = {
    log: parts.log,
    workerVersion: parts.version,
    crash: crashHookFromEnv(),
    observer: parts.observer,
    ...(beforeApply ? { beforeApply } : {}),
  };
  if ('kind' in topology) {
    const inner = new ProgramStateStore({ ...shard, shape: topology.program.state });
    const store = timedProgramStore(inner, metrics);
    const handler = new ProgramProcessor({
      ...common,
      topology,
      store,
      relay: new OutboxRelay(store, producer),
    });
    return { handler, store: inner, idleTimeoutMs: handler.idleTimeoutMs };
  }
  const inner = new RedisStateStore(shard);
  const store = new TimedStateStore(inner, metrics);
  const handler = new PartitionProcessor({
    ...common,
    topology,
    store,
    relay: new OutboxRelay(store, producer),
  });
  return { handler, store: inner, idleTimeoutMs: topology.windows?.idleTimeoutMs };
}
