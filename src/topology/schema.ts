import { z } from 'zod';

// Messages of regexes and refinements are phrased as the thing expected: `streamfold validate`
// prints them as `expected <message>, got <value>`.

/** Kafka's own rule for topic names. */
const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: 1-249 of letters, digits, ".", "_", "-"');

/** Characters that delimit state keys (`<prefix>:{<name>:<partition>}:…`) and Redis hash tags. */
const RESERVED_IN_NAME = /[:{}]/;

const topologyName = z
  .string()
  // Checked first and on its own: a name breaking the key layout deserves the reason, not a regex.
  .refine((name) => !RESERVED_IN_NAME.test(name), {
    message: 'a name without ":", "{" or "}" (they delimit state keys in Redis)',
    abort: true,
  })
  .regex(
    /^[a-z][a-z0-9-]{0,47}$/,
    'a name of 1-48 lower-case letters, digits and "-", starting with a letter',
  );

/** The topology file format (YAML). docs/topologies.md documents every field. */
export const topologySchema = z.strictObject({
  name: topologyName,
  description: z.string().max(500).default(''),
  source: z.strictObject({
    topic: topicName,
    group: z.string().min(1).max(249),
    partitions: z.int().min(1).max(10_000).default(6),
    replicationFactor: z.int().min(1).max(32).default(1),
  }),
  event: z
    .strictObject({
      schema: z.literal('order-event/v1'),
      maxValueBytes: z.int().min(256).max(10_485_760).default(65_536),
    })
    .default({ schema: 'order-event/v1', maxValueBytes: 65_536 }),
  outputs: z.strictObject({
    status: topicName,
    revenue: topicName,
    anomalies: topicName,
    deadLetter: topicName,
  }),
});

export type TopologyFile = z.input<typeof topologySchema>;
