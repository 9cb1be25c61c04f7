/**
 * What a rebuild replays besides the input records: the live generation's unparks and idle
 * closes (logged in its shards with the applied offset they happened at), and the events its
 * dead-letter topic names as processing failures.
 */
import type { ConnectionConfig } from '../config/index.js';
import { readTopic, type TopicRecord } from '../kafka/read-topic.js';
import type { Logger } from '../logger.js';
import { idleCloseOffsets, PROCESSING_ERROR_CLASS, unparkLog } from '../pipeline/index.js';
import type { StateReader } from '../state/index.js';

/** What the live generation did between records, on wall-clock time or by an operator. */
type LoggedAction = { kind: 'unpark'; key: string } | { kind: 'idle' };

/** What the log replays through: either engine's processor (the shards log both alike). */
export interface ReplayTarget {
  closeIdleWindows(partition: number): Promise<number>;
  unparkNow(partition: number, key: string): Promise<void>;
}

/**
 * The live generation's unparks and idle closes, replayed after the same applied offsets (in the
 * order a tick does them: unparks first).
 */
export class ReplayLog {
  private readonly pending = new Map<number, Map<number, LoggedAction[]>>();
  private readonly done = new Set<string>();

  constructor(
    private readonly processor: ReplayTarget,
    private readonly live: StateReader,
    private readonly partitions: readonly number[],
  ) {}

  /** Re-reads the live log; acts at once where the rebuild already stands at a logged offset. */
  async refresh(rebuiltApplied: ReadonlyMap<number, number>): Promise<void> {
    const clocks = await this.live.hashPerShard(this.partitions, 'clock');
    for (const [p, clock] of clocks) {
      const byOffset = new Map<number, LoggedAction[]>();
      const add = (offset: number, action: LoggedAction) => {
        if (this.done.has(actionId(p, offset, action))) return;
        byOffset.set(offset, [...(byOffset.get(offset) ?? []), action]);
      };
      for (const { offset, key } of unparkLog(clock)) add(offset, { kind: 'unpark', key });
      for (const offset of idleCloseOffsets(clock)) add(offset, { kind: 'idle' });
      this.pending.set(p, byOffset);
      await this.after(p, rebuiltApplied.get(p) ?? -1);
    }
  }

  /** Cuts a batch after every record at which something is due. */
  split(partition: number, batch: readonly TopicRecord[]): TopicRecord[][] {
    const due = this.pending.get(partition);
    const segments: TopicRecord[][] = [];
    let current: TopicRecord[] = [];
    for (const record of batch) {
      current.push(record);
      if (due?.has(record.offset) === true) {
        segments.push(current);
        current = [];
      }
    }
    if (current.length > 0) segments.push(current);
    return segments;
  }

  async after(partition: number, offset: number): Promise<void> {
    const actions = this.pending.get(partition)?.get(offset);
    if (actions === undefined) return;
    this.pending.get(partition)?.delete(offset);
    for (const action of actions) {
      if (action.kind === 'unpark') await this.processor.unparkNow(partition, action.key);
      else await this.processor.closeIdleWindows(partition);
      this.done.add(actionId(partition, offset, action));
    }
  }
}

function actionId(partition: number, offset: number, action: LoggedAction): string {
  return `${partition}/${offset}/${action.kind === 'unpark' ? `unpark/${action.key}` : 'idle'}`;
}

/** Input positions the dead-letter topic names as processing failures, per partition. */
export async function processingFailures(
  conn: ConnectionConfig,
  log: Logger,
  topology: { readonly outputs: { readonly deadLetter: string } },
): Promise<Map<number, Set<number>>> {
  const failures = new Map<number, Set<number>>();
  await readTopic(conn, log, topology.outputs.deadLetter, {
    timeoutMs: 600_000,
    onRecord: (r) => {
      if (r.headers['sf-error-class'] !== PROCESSING_ERROR_CLASS) return;
      const p = Number(r.headers['sf-source-partition']);
      const offset = Number(r.headers['sf-source-offset']);
      if (!Number.isSafeInteger(p) || !Number.isSafeInteger(offset)) return;
      let set = failures.get(p);
      if (set === undefined) failures.set(p, (set = new Set()));
      set.add(offset);
    },
  });
  return failures;
}
