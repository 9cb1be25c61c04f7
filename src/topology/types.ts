import type { ConfigIssue } from '../errors.js';
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

/**
 * One problem in a topology file. `expected` and `got` are filled whenever the problem can be
 * put that way, so `streamfold validate` can say exactly what to change; `message` is always
 * the readable sentence, so any ConfigError consumer still prints something useful.
 */
export interface TopologyIssue extends ConfigIssue {
  readonly expected?: string;
  readonly got?: string;
  /** 1-based position, for YAML syntax errors only. */
  readonly line?: number;
  readonly column?: number;
}
