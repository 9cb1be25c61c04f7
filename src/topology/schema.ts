import { z } from 'zod';
import { AGGREGATE_NAMES } from '../pipeline/aggregates/index.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

// Messages of regexes and refinements are phrased as the thing expected: `streamfold validate`
// prints them as `expected <message>, got <value>`.

/** Kafka's own rule for topic names. */
export const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: 1-249 of letters, digits, ".", "_", "-"');

/** Characters that delimit state keys (`<prefix>:{<name>:<partition>}:…`) and Redis hash tags. */
const RESERVED_IN_NAME = /[:{}]/;

export const topologyName = z
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

const duration = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(DURATION_PATTERN, 'a duration such as 500ms, 30s, 1m, 1h or 1d')
    // A malformed duration is the regex's to report; this only bounds well-formed ones.
    .refine((text) => {
      const ms = parseDuration(text);
      return Number.isNaN(ms) || (ms >= min && ms <= max);
    }, what);

const DAY = 86_400_000;

export const windowsSchema = z.strictObject({
  sizes: z
    .array(duration(1000, 7 * DAY, 'a window size from 1s to 7d'))
    .min(1)
    .max(8)
    .refine((sizes) => new Set(sizes.map(parseDuration)).size === sizes.length, {
      message: 'window sizes that differ from each other',
    }),
  grace: duration(0, DAY, 'a grace period from 0s to 1d').default('0s'),
  idleTimeout: duration(100, DAY, 'an idle timeout from 100ms to 1d').default('30s'),
});

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
  aggregates: z
    .array(
      z.enum(AGGREGATE_NAMES as [string, ...string[]], {
        message: `one of ${AGGREGATE_NAMES.join(', ')}`,
      }),
    )
    .max(AGGREGATE_NAMES.length)
    .default([]),
  windows: windowsSchema.optional(),
  parking: z
    .strictObject({ maxAttempts: z.int().min(1).max(100).default(3) })
    .default({ maxAttempts: 3 }),
  outputs: z.strictObject({
    status: topicName.optional(),
    revenue: topicName.optional(),
    anomalies: topicName.optional(),
    deadLetter: topicName,
    windows: topicName.optional(),
    late: topicName.optional(),
    aggregates: topicName.optional(),
  }),
});

export type TopologyFile = z.input<typeof topologySchema>;

export type TopologyData = z.output<typeof topologySchema>;
