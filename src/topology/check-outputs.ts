import { issue } from './describe-issue.js';
import type { TopologyIssue } from './types.js';

/**
 * Every derived topic must be its own: an output equal to the source would feed the worker its
 * own records, and two outputs sharing a topic would mix record shapes consumers cannot tell
 * apart.
 */
export function checkOutputs(
  sourceTopic: string,
  outputs: Readonly<Record<string, string>>,
): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const firstUse = new Map<string, string>();
  for (const [key, topic] of Object.entries(outputs)) {
    const path = `outputs.${key}`;
    const earlier = firstUse.get(topic);
    if (topic === sourceTopic) {
      issues.push(issue(path, 'a topic other than source.topic', `"${topic}" (the source topic)`));
    } else if (earlier !== undefined) {
      issues.push(issue(path, 'a topic no other output uses', `"${topic}" (also ${earlier})`));
    } else {
      firstUse.set(topic, path);
    }
  }
  return issues;
}
