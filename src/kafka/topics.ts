import type { Admin } from './clients.js';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
}

export interface EnsureResult {
  created: string[];
  existing: { topic: string; partitions: number }[];
}

/** Creates the topics that do not exist; existing ones are left as they are and reported. */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
): Promise<EnsureResult> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
      })),
    });
  }
  const existingNames = specs.filter((s) => present.has(s.topic)).map((s) => s.topic);
  const metadata =
    existingNames.length > 0 ? await admin.fetchTopicMetadata({ topics: existingNames }) : [];
  return {
    created: missing.map((s) => s.topic),
    existing: metadata.map((m) => ({ topic: m.name, partitions: m.partitions.length })),
  };
}

/** The names among `topics` that the cluster does not have. */
export async function missingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const present = new Set(await admin.listTopics());
  return topics.filter((t) => !present.has(t));
}
