import type { LanguageOutputs, LanguageTopology } from './language/types.js';
import type { CompiledTopology } from './types.js';

/** The language's outputs in the order docs/language.md lists them, so listings are stable. */
const languageOutputs = [
  'status',
  'anomalies',
  'deadLetter',
  'aggregates',
  'windows',
  'late',
] as const satisfies readonly (keyof LanguageOutputs)[];

/** Every topic a topology reads or writes: the source (input) first, then its outputs. */
export function topologyTopics(topology: CompiledTopology | LanguageTopology): string[] {
  if (!isLanguage(topology)) return [topology.source.topic, ...Object.values(topology.outputs)];
  const outputs = languageOutputs.flatMap((name) => topology.outputs[name] ?? []);
  return [topology.input.topic, ...outputs];
}

/** The partitions and replicas `topics create` gives every topic of the topology. */
export function topologyTopicLayout(topology: CompiledTopology | LanguageTopology): {
  readonly partitions: number;
  readonly replicationFactor: number;
} {
  const { partitions, replicationFactor } = isLanguage(topology) ? topology.input : topology.source;
  return { partitions, replicationFactor };
}

// The legacy CompiledTopology predates the `kind` tag; only the language form carries it.
function isLanguage(topology: CompiledTopology | LanguageTopology): topology is LanguageTopology {
  return 'kind' in topology && topology.kind === 'language';
}
