import { ConfigError } from '../../../src/errors.js';

/** The issues of the ConfigError that `fn` throws; fails the test when it throws none. */
export function configIssues(fn: () => unknown): readonly { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
