/**
 * What the program simulator emits: records for any topology of the language, built from its
 * compiled Program and its JSON Schema. It keeps its own step and schema reading rather than the
 * engine's, so a bug in the engine cannot hide in records generated to test it.
 */
export const ProgramSimKinds = ['event', 'duplicate', 'malformed', 'invalid', 'anomaly'] as const;
export type ProgramSimKind = (typeof ProgramSimKinds)[number];

export interface ProgramSimOptions {
  /** How many keys (lifecycles) to run; a positive integer. */
  keys: number;
  /** Any safe integer; the same seed and options give byte-identical records. */
  seed: number;
  /** Per applied event, the chance that it is re-sent later in the stream (same bytes). */
  duplicates: number;
  /** Per applied event, the chance that a record for the dead-letter topic follows it. */
  malformed: number;
  /** Per applied event, the chance that a schema-invalid event of the same key follows it. */
  invalid: number;
  /**
   * Per applied event, the chance that the key's next event is one the machine refuses: a type
   * no transition from its state accepts, or one whose guard fails.
   */
  invalidTransitions: number;
  /** Event time of the first event, epoch ms. */
  startTime: number;
  /** The value size limit of the target topology: the `too-large` class exceeds it. */
  maxValueBytes: number;
}

export interface ProgramSimRecord {
  key: string;
  /** `null` is a tombstone (one of the malformed classes). */
  value: Buffer | null;
  /** As a producer sends them: content-type, event-type and event-id where they can be said. */
  headers: Record<string, string>;
  /**
   * `event`: applied by the machine. `duplicate`: an applied event re-sent (ignored).
   * `malformed`: not an event the engine can decode or accept (dead-letter). `invalid`: JSON the
   * schema refuses (dead-letter). `anomaly`: schema-valid, refused by the machine.
   */
  kind: ProgramSimKind;
}
