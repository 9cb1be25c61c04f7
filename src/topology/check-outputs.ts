import { issue } from './describe-issue.js';
import type { TopologyIssue } from './types.js';

/**
 * Every derived topic must be its own: an output equal to the source would feed the worker its
 * own records, and two outputs sharing a topic would mix record shapes consumers cannot tell
 * apart.
 */
export function checkOutputs(
  sourceTopic: string,
  outputs: Readonly<Record<string, string | undefined>>,
  // The field that names the input topic: `source.topic` in the legacy format, `input.topic` in
  // the language (docs/language.md).
  source: { readonly field: string; readonly words: string } = {
    field: 'source.topic',
    words: 'the source topic',
  },
): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const firstUse = new Map<string, string>();
  for (const [key, topic] of Object.entries(outputs)) {
    if (topic === undefined) continue;
    const path = `outputs.${key}`;
    const earlier = firstUse.get(topic);
    if (topic === sourceTopic) {
      issues.push(
        issue(path, `a topic other than ${source.field}`, `"${topic}" (${source.words})`),
      );
    } else if (earlier !== undefined) {
      issues.push(issue(path, 'a topic no other output uses', `"${topic}" (also ${earlier})`));
    } else {
      firstUse.set(topic, path);
    }
  }
  return issues;
}

/** Windows need a topic for their results and one for late events; aggregates need theirs. */
export function checkRequiredOutputs(t: {
  windows?: unknown;
  aggregates: readonly string[];
  outputs: { windows?: string; late?: string; aggregates?: string };
}): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const need = (field: 'windows' | 'late' | 'aggregates', because: string): void => {
    if (t.outputs[field] === undefined) {
      issues.push(issue(`outputs.${field}`, `a topic name (${because})`, 'nothing'));
    }
  };
  if (t.windows !== undefined) {
    need('windows', 'the topology has windows');
    need('late', 'the topology has windows');
  }
  if (t.aggregates.length > 0) need('aggregates', 'the topology has aggregates');
  return issues;
}
