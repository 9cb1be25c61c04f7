import type { ConfigIssue } from '../errors.js';
import type { Aggregator } from '../pipeline/aggregates/types.js';
import type { OutputTopics } from '../pipeline/types.js';
import type { WindowSpec } from '../pipeline/windows.js';

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
  /** Names of the keyed aggregates folded besides the order lifecycle. */
  readonly aggregates: readonly string[];
  readonly aggregators: readonly Aggregator<unknown>[];
  /** Windowed revenue, when the file asks for it. */
  readonly windows?: WindowSpec;
  readonly parking: { readonly maxAttempts: number };
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
