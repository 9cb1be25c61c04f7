import type { ConnectionConfig } from '../config/index.js';
import { topicRanges } from '../kafka/read-topic.js';
import type { Admin } from '../kafka/index.js';
import type { Logger } from '../logger.js';
import type { StateReader } from '../state/index.js';
import { committedOffsets } from './committed-offsets.js';
import { buildLagReport, firstUnappliedOffset } from './lag-report.js';
import { partitionOwners } from './partition-owners.js';
import { recordTimestamps } from './record-timestamps.js';
import type { LagReport } from './types.js';

export interface CollectLagOptions {
  readonly conn: ConnectionConfig;
  readonly log: Logger;
  readonly admin: Admin;
  readonly reader: StateReader;
  /** Either format: its name (state namespace) and where it reads. */
  readonly topology: {
    readonly name: string;
    readonly source: { readonly topic: string; readonly group: string };
  };
  /** Bound on reading the first unapplied records' timestamps. */
  readonly timestampTimeoutMs?: number;
}

/** Measures a topology's lag per source partition from Kafka, Redis and the group. */
export async function collectLag(opts: CollectLagOptions): Promise<LagReport> {
  const { admin, reader, topology } = opts;
  const { topic, group } = topology.source;
  // Watermarks first: Redis read after them can only be ahead, never report a negative lag.
  const offsets = await topicRanges(admin, topic);
  const [committed, owners, applied] = await Promise.all([
    committedOffsets(admin, group, topic),
    partitionOwners(admin, group, topic),
    reader.applied(offsets.map((o) => o.partition)),
  ]);
  const wanted = new Map<number, number>();
  for (const o of offsets) {
    const offset = firstUnappliedOffset(o, applied.get(o.partition) ?? -1);
    if (offset !== undefined) wanted.set(o.partition, offset);
  }
  const timestamps = await recordTimestamps(opts.conn, opts.log, admin, topic, {
    wanted,
    ends: new Map(offsets.map((o) => [o.partition, o.high])),
    timeoutMs: opts.timestampTimeoutMs ?? 15_000,
  });
  return buildLagReport({
    topology: topology.name,
    topic,
    group,
    offsets,
    committed,
    applied,
    firstUnappliedTimestamps: timestamps,
    owners,
    nowMs: Date.now(),
  });
}
