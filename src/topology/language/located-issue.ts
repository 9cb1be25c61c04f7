import { issue } from '../describe-issue.js';
import { fieldPath } from '../describe-value.js';
import type { TopologyIssue } from '../types.js';

/**
 * An issue while it is being collected: its field path still split into segments (a guard's key
 * `event.data.currency` holds dots of its own, so the dotted text could not be split back) and
 * whether it blames the key or the value, so ./positions.ts can find its line.
 */
export interface LocatedIssue extends TopologyIssue {
  readonly segments: readonly PropertyKey[];
  readonly at?: 'key' | 'value';
}

export function located(
  segments: readonly PropertyKey[],
  expected: string,
  got: string,
  at: 'key' | 'value' = 'value',
): LocatedIssue {
  return { ...issue(fieldPath(segments), expected, got), segments, at };
}
