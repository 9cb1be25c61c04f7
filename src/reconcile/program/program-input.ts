import { createEventDecoder, type ProgramEvent } from '../../pipeline/program/index.js';
import type { TopicRecord } from '../../kafka/read-topic.js';
import type { LanguageTopology } from '../../topology/index.js';
import type { InvalidInput } from '../reference.js';

/** The input topic split the way the recomputation needs it. */
export interface ProgramInput {
  /** Per partition, the decoded events to interpret, in offset order. */
  readonly events: Map<number, { offset: number; event: ProgramEvent }[]>;
  /** Records that are no event (not decodable, schema-invalid, key mismatch): dead letters. */
  readonly invalid: InvalidInput[];
  /** Events the dead-letter topic names as processing failures: dead letters, not interpreted. */
  readonly poisoned: InvalidInput[];
  /** Records read per partition. */
  readonly perPartition: Map<number, number>;
}

/**
 * Collects the input records, decoded with the engine's own decoder (createEventDecoder): it is
 * the topology's schema, paths and key rule, not fold code, and one reading of docs/language.md
 * "Input" keeps the dead-letter expectations exactly the engine's. `poisoned` holds the
 * `<partition>:<offset>` positions dead-lettered with `sf-error-class: processing`.
 */
export class ProgramInputCollector {
  readonly input: ProgramInput = {
    events: new Map(),
    invalid: [],
    poisoned: [],
    perPartition: new Map(),
  };
  private readonly decode: ReturnType<typeof createEventDecoder>;

  constructor(
    private readonly topology: LanguageTopology,
    private readonly poisoned: ReadonlySet<string>,
  ) {
    this.decode = createEventDecoder({
      paths: topology.program.paths,
      maxValueBytes: topology.input.maxValueBytes,
      validate: topology.schema.validate,
    });
  }

  add(r: TopicRecord): void {
    const { perPartition, events } = this.input;
    perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
    const decoded = this.decode({ ...r, topic: this.topology.input.topic });
    const at = { partition: r.partition, offset: r.offset, key: r.key, value: r.value };
    if (!decoded.ok) {
      this.input.invalid.push({ ...at, reason: decoded.failure.errorClass });
      return;
    }
    if (this.poisoned.has(`${r.partition}:${r.offset}`)) {
      this.input.poisoned.push({ ...at, reason: 'processing' });
      return;
    }
    let list = events.get(r.partition);
    if (list === undefined) events.set(r.partition, (list = []));
    list.push({ offset: r.offset, event: decoded.event });
  }
}
