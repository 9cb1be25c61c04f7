/** An event's processing threw: a reducer bug or bad stored state, not a decode error. */
export class ProcessingError extends Error {
  constructor(
    readonly partition: number,
    readonly offset: number,
    readonly key: string,
    cause: unknown,
  ) {
    super(
      `processing ${key} at offset ${offset} of partition ${partition} failed: ` +
        (cause instanceof Error ? cause.message : String(cause)),
      { cause },
    );
    this.name = 'ProcessingError';
  }
}

/** The fold needs aggregate states that were not loaded: load these fields and fold again. */
export class MissingStatesError extends Error {
  constructor(readonly fields: readonly string[]) {
    super(`fold needs ${fields.length} aggregate states that were not loaded`);
    this.name = 'MissingStatesError';
  }
}
