/**
 * The status codes the Lua scripts (`lua/*.lua`) return, named once. The scripts can only return
 * numbers; the TypeScript side compares with these names so that a code's meaning is written in
 * one place, beside the header comment of the script that returns it.
 */
export const ScriptCodes = {
  /** commit-batch: the batch, its outbox entry and the new applied offset are in Redis. */
  committed: 1,
  /**
   * commit-batch: the epoch is not the caller's token (another owner fenced it, or a rebuild
   * retired the shard); nothing was written.
   */
  fenced: -1,
  /**
   * commit-batch: the applied offset is not the one the caller read (e.g. its own commit landed
   * and the reply was lost); nothing was written.
   */
  stale: -2,
  /** fence: the shard was retired by a rebuild's switch; nobody may own it. */
  retired: -3,
  /** restore-shard: the shard was not retired, and was left as it was (else: the new epoch). */
  notRetired: 0,
} as const;

export type ScriptCode = (typeof ScriptCodes)[keyof typeof ScriptCodes];
