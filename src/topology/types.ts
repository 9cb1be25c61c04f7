import type { OutputTopics } from '../pipeline/types.js';

/** A validated, normalised topology: the only form that crosses layers. */
export interface CompiledTopology {
  /** Names the state namespace: keys are `<prefix>:{<name>:<partition>}:…`. */
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly source: {
    readonly topic: string;
    readonly group: string;
    readonly partitions: number;
    readonly replicationFactor: number;
  };
  readonly event: {
    readonly schema: 'order-event/v1';
    readonly maxValueBytes: number;
  };
  readonly outputs: Readonly<OutputTopics>;
}
