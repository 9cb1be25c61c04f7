export { collectLag, type CollectLagOptions } from './collect-lag.js';
export { committedOffsets } from './committed-offsets.js';
export { formatLagReport } from './format-lag-report.js';
export {
  buildLagReport,
  firstUnappliedOffset,
  type LagInputs,
  type PartitionOffsets,
} from './lag-report.js';
export { partitionOwners } from './partition-owners.js';
export { recordTimestamps, type RecordTimestampsOptions } from './record-timestamps.js';
export type { LagReport, LagRow } from './types.js';
