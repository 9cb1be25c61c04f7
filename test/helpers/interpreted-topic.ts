/**
 * A language topology's input topic read back and run through the independent interpreter
 * (src/reconcile/interpreter/): what queries must answer, computed without the engine's fold.
 */
import { readTopic } from '../../src/kafka/read-topic.js';
import { createEventDecoder, type ProgramEvent } from '../../src/pipeline/program/index.js';
import { interpret, type InterpreterResult } from '../../src/reconcile/interpreter/index.js';
import type { LanguageTopology } from '../../src/topology/index.js';
import { testConnection, testLogger } from './env.js';

export async function interpretTopic(topology: LanguageTopology): Promise<InterpreterResult> {
  const decode = createEventDecoder({
    paths: topology.program.paths,
    maxValueBytes: topology.input.maxValueBytes,
    validate: topology.schema.validate,
  });
  const partitions = new Map<number, { offset: number; event: ProgramEvent }[]>();
  await readTopic(testConnection(), testLogger(), topology.input.topic, {
    onRecord: (r) => {
      const decoded = decode({ ...r, topic: topology.input.topic });
      if (!decoded.ok) return;
      const list = partitions.get(r.partition) ?? [];
      list.push({ offset: r.offset, event: decoded.event });
      partitions.set(r.partition, list);
    },
  });
  for (const list of partitions.values()) list.sort((a, b) => a.offset - b.offset);
  return interpret({ program: topology.program, partitions });
}
