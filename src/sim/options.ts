import { ConfigError, type ConfigIssue } from '../errors.js';
import type { SimOptions } from './types.js';

/** The design document's example time: a fixed start keeps a seed's records byte-identical. */
export const DEFAULT_START_TIME = 1_764_300_000_000;

export const simDefaults = {
  duplicates: 0,
  malformed: 0,
  invalidTransitions: 0,
  currencies: ['USD', 'EUR', 'GBP'],
  startTime: DEFAULT_START_TIME,
  maxValueBytes: 65_536,
} as const satisfies Omit<SimOptions, 'orders' | 'seed'>;

export type SimInput = Pick<SimOptions, 'orders' | 'seed'> & Partial<SimOptions>;

/** Fills defaults and checks every option; a ConfigError lists each bad field by name. */
export function resolveSimOptions(input: SimInput): Readonly<SimOptions> {
  const options: SimOptions = { ...simDefaults, ...input };
  const issues: ConfigIssue[] = [];
  const check = (ok: boolean, path: string, message: string): void => {
    if (!ok) issues.push({ path, message });
  };
  check(
    Number.isSafeInteger(options.orders) && options.orders > 0,
    'orders',
    'must be a positive integer',
  );
  check(Number.isSafeInteger(options.seed), 'seed', 'must be an integer');
  for (const name of ['duplicates', 'malformed', 'invalidTransitions'] as const) {
    const p = options[name];
    check(Number.isFinite(p) && p >= 0 && p <= 1, name, 'must be a probability in [0, 1]');
  }
  check(options.currencies.length > 0, 'currencies', 'at least one currency');
  for (const c of options.currencies) {
    check(/^[A-Z]{3}$/.test(c), 'currencies', `"${c}" is not 3 upper-case letters`);
  }
  check(
    Number.isSafeInteger(options.startTime) && options.startTime >= 0,
    'startTime',
    'must be epoch milliseconds',
  );
  check(
    Number.isSafeInteger(options.maxValueBytes) && options.maxValueBytes >= 256,
    'maxValueBytes',
    'must be an integer >= 256',
  );
  if (issues.length > 0) throw new ConfigError('simulator options', issues);
  return Object.freeze({ ...options, currencies: Object.freeze([...new Set(options.currencies)]) });
}
