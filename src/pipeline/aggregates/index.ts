import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { customerValue } from './customer-value.js';
import type { Aggregator } from './types.js';

export { customerValue, type CustomerValue } from './customer-value.js';
export { aggregateField, type Aggregator, type AppliedTransition } from './types.js';

/** Every aggregate a topology file may name under `aggregates`. */
export const AGGREGATORS: Readonly<Record<string, Aggregator<unknown>>> = {
  [customerValue.name]: customerValue,
};

export const AGGREGATE_NAMES = Object.keys(AGGREGATORS);

export function aggregatorNamed(name: string): Aggregator<unknown> {
  const aggregator = AGGREGATORS[name];
  if (aggregator === undefined)
    throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, `unknown aggregate "${name}"`);
  return aggregator;
}
