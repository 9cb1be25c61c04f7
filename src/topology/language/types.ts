import type { ProgramOutputs } from '../../pipeline/program/batch-types.js';
import type { Program } from '../../pipeline/program/types.js';

/** What the events' JSON Schema says of one value: valid, or the schema's first messages. */
export type SchemaVerdict =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

/** The topics a language topology writes; docs/language.md#outputs-and-parking. */
export type LanguageOutputs = ProgramOutputs;

/** One entry of `queries:` (docs/language.md#queries): a view served by name and by path. */
export interface LanguageQuery {
  readonly name: string;
  /** `/segment/...`; a state view has the parameter `:key`, a group view `:group`. */
  readonly path: string;
  readonly view: 'state' | 'totals' | 'totals-windows' | 'group';
  /** The aggregate shown; absent for a state view. */
  readonly aggregate?: string;
}

/**
 * A topology file of the language (docs/language.md), validated, compiled and frozen: the input
 * it reads, the program the engine runs, the events' schema compiled once, and its outputs.
 */
export interface LanguageTopology {
  readonly kind: 'language';
  /** Names the state namespace: keys are `<prefix>:{<name>:<partition>}:…`. */
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly input: {
    readonly topic: string;
    readonly group: string;
    readonly partitions: number;
    readonly replicationFactor: number;
    readonly maxValueBytes: number;
  };
  /** `input` under the names every command reads of a topology, whichever its format. */
  readonly source: {
    readonly topic: string;
    readonly group: string;
    readonly partitions: number;
    readonly replicationFactor: number;
  };
  readonly event: { readonly maxValueBytes: number };
  readonly program: Program;
  readonly schema: {
    /** The JSON Schema as loaded (from its file or inline). */
    readonly json: object;
    /** The validator compiled at load; a plain function, so it can be passed around unbound. */
    readonly validate: (value: unknown) => SchemaVerdict;
  };
  readonly outputs: LanguageOutputs;
  readonly parking: { readonly maxAttempts: number };
  /** The named views `queries:` declares, in file order (none when the section is absent). */
  readonly queries: readonly LanguageQuery[];
}
