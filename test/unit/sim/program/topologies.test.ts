import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createEventDecoder,
  createStepper,
  type KeyState,
} from '../../../../src/pipeline/program/index.js';
import {
  generateProgramEvents,
  resolveProgramSimOptions,
  type ProgramSimKind,
} from '../../../../src/sim/program/index.js';
import { loadLanguageTopology } from '../../../../src/topology/language/index.js';

const dir = new URL('../../../../topologies/', import.meta.url).pathname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** What the engine must make of each kind: dead-lettered, or the machine's verdict. */
const expected: Record<ProgramSimKind, 'dead-letter' | 'applied' | 'duplicate' | 'anomaly'> = {
  event: 'applied',
  duplicate: 'duplicate',
  anomaly: 'anomaly',
  malformed: 'dead-letter',
  invalid: 'dead-letter',
};

describe('the program simulator on the shipped language topologies, judged by the engine', () => {
  it.each(files)('%s: every record ends as its kind says', (file) => {
    const topology = loadLanguageTopology(`${dir}${file}`);
    const { program } = topology;
    const options = resolveProgramSimOptions({
      keys: 1_000,
      seed: 17,
      duplicates: 0.1,
      malformed: 0.1,
      invalid: 0.1,
      invalidTransitions: 0.1,
      maxValueBytes: topology.input.maxValueBytes,
    });
    const decode = createEventDecoder({
      paths: program.paths,
      maxValueBytes: topology.input.maxValueBytes,
      validate: topology.schema.validate,
    });
    const step = createStepper(program);
    const states = new Map<string, KeyState>();
    const seen: Record<ProgramSimKind, number> = {
      event: 0,
      duplicate: 0,
      malformed: 0,
      invalid: 0,
      anomaly: 0,
    };
    let offset = 0;
    for (const r of generateProgramEvents(program, topology.schema.json, options)) {
      const decoded = decode({
        topic: topology.input.topic,
        partition: 0,
        offset: offset++,
        key: Buffer.from(r.key, 'utf8'),
        value: r.value,
        timestamp: 0,
        headers: r.headers,
      });
      seen[r.kind] += 1;
      if (!decoded.ok) {
        expect(expected[r.kind], `${r.kind} ${decoded.failure.message}`).toBe('dead-letter');
        continue;
      }
      const result = step(states.get(decoded.event.key), decoded.event);
      expect(result.kind, `${r.kind} ${r.value?.toString('utf8')}`).toBe(expected[r.kind]);
      if (result.kind === 'applied') states.set(decoded.event.key, result.state);
    }
    expect(states.size).toBe(options.keys);
    for (const kind of Object.keys(seen) as ProgramSimKind[]) expect(seen[kind]).toBeGreaterThan(0);
  });
});
