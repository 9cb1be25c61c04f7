import type { CompiledTopology } from './types.js';

/** Every topic a topology reads or writes: the source first, then its outputs. */
export function topologyTopics(topology: CompiledTopology): string[] {
  return [topology.source.topic, ...Object.values(topology.outputs)];
}
