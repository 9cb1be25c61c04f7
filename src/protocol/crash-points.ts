/**
 * Test-only failure injection: `STREAMFOLD_CRASH_AT=<point>` with `STREAMFOLD_CRASH_AFTER=<n>`
 * kills the process with SIGKILL the n-th time it reaches that point, so the crash tests can
 * stop the worker exactly between two protocol steps. Unset in production: a no-op.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';

export const CrashPoints = {
  afterCommitScript: 'after-commit-script',
  afterOutboxPublish: 'after-outbox-publish',
  beforeKafkaCommit: 'before-kafka-commit',
} as const;

export type CrashPoint = (typeof CrashPoints)[keyof typeof CrashPoints];

export type CrashHook = (point: CrashPoint) => void;

export function crashHookFromEnv(env: NodeJS.ProcessEnv = process.env): CrashHook {
  const target = env.STREAMFOLD_CRASH_AT;
  if (!target) return () => undefined;
  let remaining = Number(env.STREAMFOLD_CRASH_AFTER ?? '1');
  return (point) => {
    if (point !== target) return;
    remaining -= 1;
    if (remaining <= 0) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * Test-only processing faults: `STREAMFOLD_FAIL_EVENT_IDS=<id>,<id>` makes the processing of those
 * events throw, as a reducer bug would, so the parking tests can poison a key. Unset: none.
 */
export function faultHookFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ((event: { eventId: string }) => void) | undefined {
  const ids = new Set((env.STREAMFOLD_FAIL_EVENT_IDS ?? '').split(',').filter(Boolean));
  if (ids.size === 0) return undefined;
  return (event) => {
    if (ids.has(event.eventId))
      throw new StreamfoldError(
        ErrorCodes.INJECTED_FAULT,
        `injected processing failure for ${event.eventId}`,
      );
  };
}
