/**
 * The schema branch of every event type, checked once before any record is made: a schema the
 * simulator cannot draw valid events from is refused up front, with every reason, rather than
 * failing somewhere in a long run.
 */
import { ConfigError, type ConfigIssue } from '../../errors.js';
import type { Program } from '../../pipeline/program/types.js';
import { createRandom } from '../random.js';
import { ProgramEventFactory } from './event-factory.js';
import { branchFor, isNode, type Schema, type SchemaNode } from './json-schema.js';
import { accepts } from './schema-accepts.js';
import { UnsupportedSchema } from './schema-draw.js';

export interface PreparedSchema {
  readonly root: Schema;
  /** Event type → its branch; types the schema has no branch for are absent. */
  readonly branches: ReadonlyMap<string, SchemaNode>;
  /** The types events can be built for, in the program's order. */
  readonly types: readonly string[];
}

/** A stream of its own: checking never shifts the records of a seed. */
const PREFLIGHT_STREAM = 3;
const SAMPLES = 4;

export function prepareSchema(program: Program, schema: object, keys: number): PreparedSchema {
  const root: Schema = schema as Schema;
  const issues: ConfigIssue[] = [];
  const branches = new Map<string, SchemaNode>();
  const types = [
    ...new Set([...program.eventTypes, ...program.machine.transitions.map((t) => t.on)]),
  ];
  if (!isNode(root)) issues.push({ path: 'schema', message: 'must be a JSON Schema object' });
  else {
    for (const type of types) {
      const branch = branchFor(root, program.paths.type, type);
      if (branch === undefined) {
        if (program.machine.transitions.some((t) => t.on === type)) {
          issues.push({
            path: 'schema',
            message: `no oneOf/anyOf branch admits event type ${type}`,
          });
        }
      } else branches.set(type, branch);
    }
    const factory = new ProgramEventFactory(
      program,
      root,
      branches,
      createRandom(0, PREFLIGHT_STREAM),
      { startTime: 0, keys },
      'check',
    );
    for (const type of branches.keys()) {
      try {
        for (let i = 0; i < SAMPLES; i++) {
          const built = factory.build(type, factory.keyName(i), new Map(), 1);
          factory.settle();
          if (built !== undefined && !accepts(root, root, built.draft)) {
            issues.push({
              path: 'schema',
              message: `an event of type ${type} drawn from its branch does not meet the schema (a keyword the simulator does not draw from, or a key/eventId pattern its ids do not fit)`,
            });
            break;
          }
        }
      } catch (error) {
        if (!(error instanceof UnsupportedSchema)) throw error;
        issues.push({ path: `schema (${type}) ${error.path}`.trim(), message: error.reason });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError('program simulator schema', issues);
  return { root, branches, types: types.filter((t) => branches.has(t)) };
}
