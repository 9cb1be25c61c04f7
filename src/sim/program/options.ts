import { ConfigError, type ConfigIssue } from '../../errors.js';
import { DEFAULT_START_TIME } from '../options.js';
import type { ProgramSimOptions } from './types.js';

export const programSimDefaults = {
  duplicates: 0,
  malformed: 0,
  invalid: 0,
  invalidTransitions: 0,
  startTime: DEFAULT_START_TIME,
  maxValueBytes: 65_536,
} as const satisfies Omit<ProgramSimOptions, 'keys' | 'seed'>;

export type ProgramSimInput = Partial<ProgramSimOptions> & Pick<ProgramSimOptions, 'keys' | 'seed'>;

const probabilities = ['duplicates', 'malformed', 'invalid', 'invalidTransitions'] as const;

/** Fills defaults and checks every option; a ConfigError lists each bad field by name. */
export function resolveProgramSimOptions(input: ProgramSimInput): Readonly<ProgramSimOptions> {
  const options: ProgramSimOptions = { ...programSimDefaults, ...input };
  const issues: ConfigIssue[] = [];
  const check = (ok: boolean, path: string, message: string): void => {
    if (!ok) issues.push({ path, message });
  };
  check(
    Number.isSafeInteger(options.keys) && options.keys > 0,
    'keys',
    'must be a positive integer',
  );
  check(Number.isSafeInteger(options.seed), 'seed', 'must be an integer');
  for (const name of probabilities) {
    const p = options[name];
    check(
      typeof p === 'number' && Number.isFinite(p) && p >= 0 && p <= 1,
      name,
      'must be a probability in [0, 1]',
    );
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
  if (issues.length > 0) throw new ConfigError('program simulator options', issues);
  return Object.freeze(options);
}
