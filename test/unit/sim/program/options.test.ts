import { describe, expect, it } from 'vitest';
import { DEFAULT_START_TIME } from '../../../../src/sim/options.js';
import { resolveProgramSimOptions } from '../../../../src/sim/program/index.js';
import { configIssues } from '../../helpers/config-issues.js';

describe('resolveProgramSimOptions', () => {
  it('fills the defaults', () => {
    expect(resolveProgramSimOptions({ keys: 1, seed: 0 })).toEqual({
      keys: 1,
      seed: 0,
      duplicates: 0,
      malformed: 0,
      invalid: 0,
      invalidTransitions: 0,
      startTime: DEFAULT_START_TIME,
      maxValueBytes: 65_536,
    });
  });

  it('refuses bad options, naming each field', () => {
    const issues = configIssues(() =>
      resolveProgramSimOptions({
        keys: 0,
        seed: 1.5,
        duplicates: 2,
        malformed: -1,
        invalid: Number.NaN,
        invalidTransitions: 1.01,
        startTime: -1,
        maxValueBytes: 10,
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'keys',
      'seed',
      'duplicates',
      'malformed',
      'invalid',
      'invalidTransitions',
      'startTime',
      'maxValueBytes',
    ]);
  });
});
