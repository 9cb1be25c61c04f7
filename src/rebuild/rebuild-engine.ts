/**
 * What a rebuild folds the replayed input with, for either engine: the topology's own processor
 * (the worker's protocol, so the rebuilt state is what the worker would have written) over a
 * quiet store of the next generation, and the layout its shards are diffed by.
 */
import type { Logger } from '../logger.js';
import { PartitionProcessor, ProgramProcessor } from '../protocol/index.js';
import {
  ProgramStateStore,
  RedisStateStore,
  type RedisConnection,
  type ScriptRunner,
} from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';
import { LEGACY_LAYOUT, PROGRAM_LAYOUT, type DiffLayout } from './diff-generations.js';
import { QuietProgramStore, QuietStore } from './quiet-store.js';
import type { ReplayTarget } from './replay-log.js';

/** Either engine's processor, as the rebuild drives it (the worker's source drives it alike). */
export type RebuildProcessor = Pick<PartitionProcessor, 'assigned' | 'revoked' | 'handleBatch'> &
  ReplayTarget;

export interface RebuildEngine {
  readonly processor: RebuildProcessor;
  readonly layout: DiffLayout;
  close(): Promise<void>;
}

export interface RebuildEngineOptions {
  readonly topology: CompiledTopology | LanguageTopology;
  /** A connection of the engine's own, closed with it. */
  readonly redis: RedisConnection;
  readonly scripts: ScriptRunner;
  readonly prefix: string;
  /** The generation the rebuild writes. */
  readonly generation: number;
  readonly log: Logger;
  /** Events the live generation dead-lettered as processing failures park their keys here too. */
  readonly knownFailures: ReadonlyMap<number, ReadonlySet<number>>;
}

export function rebuildEngine(opts: RebuildEngineOptions): RebuildEngine {
  const { topology, redis, scripts, prefix, generation, log, knownFailures } = opts;
  const shard = { redis, scripts, prefix, topology: topology.name, generation };
  // The live generation already published every derived record: nothing is relayed again.
  const relay = { drain: () => Promise.resolve(0), publishCommitted: () => Promise.resolve() };
  const common = { relay, log, workerVersion: 'rebuild', crash: () => undefined, knownFailures };
  if (isLanguage(topology)) {
    const store = new ProgramStateStore({ ...shard, shape: topology.program.state });
    return {
      processor: new ProgramProcessor({ ...common, topology, store: new QuietProgramStore(store) }),
      layout: PROGRAM_LAYOUT,
      close: () => store.close(),
    };
  }
  const store = new RedisStateStore(shard);
  return {
    processor: new PartitionProcessor({ ...common, topology, store: new QuietStore(store) }),
    layout: LEGACY_LAYOUT,
    close: () => store.close(),
  };
}

// The legacy CompiledTopology predates the `kind` tag; only the language form carries it.
function isLanguage(topology: CompiledTopology | LanguageTopology): topology is LanguageTopology {
  return 'kind' in topology && topology.kind === 'language';
}
