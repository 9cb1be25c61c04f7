import { InvalidArgumentError } from 'commander';

/** A commander parser for a positive integer flag; the error names the flag. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}
