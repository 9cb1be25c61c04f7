import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../../../src/cli/commands/validate.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

function run(file: string, json = false): { code: number; out: string } {
  let out = '';
  const code = runValidate(file, { json }, { write: (text: string) => (out += text) });
  return { code, out };
}

describe('streamfold validate on a language file', () => {
  it('prints the ok line with the input topic and group', () => {
    const file = fixture('payments.yaml');
    expect(run(file)).toEqual({
      code: 0,
      out: `ok: ${file} (topology payments, source payment-events, group streamfold-payments, 6 partitions)\n`,
    });
  });

  it('--json: the same summary as a legacy file, with the outputs', () => {
    const file = fixture('payments.yaml');
    const { code, out } = run(file, true);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      ok: true,
      file,
      topology: 'payments',
      source: 'payment-events',
      group: 'streamfold-payments',
      partitions: 6,
      outputs: {
        status: 'payment-status',
        anomalies: 'payment-anomalies',
        deadLetter: 'payment-events-dlt',
        aggregates: 'payment-aggregate-updates',
        windows: 'payment-windows',
        late: 'payment-events-late',
      },
    });
  });

  it('prints each issue as file:line:column: path: expected, got', () => {
    const file = fixture('invalid/unknown-state-in-transition.yaml');
    expect(run(file)).toEqual({
      code: 1,
      out:
        `${file}:35:52: state.machine.transitions.4.from.1: expected one of the states none, ` +
        'authorised, captured, refunded, chargedBack, voided, got "refundd"\n',
    });
  });

  it('--json: issues with their line and column', () => {
    const file = fixture('invalid/sum-non-integer.yaml');
    const { code, out } = run(file, true);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      ok: false,
      file,
      issues: [
        {
          path: 'aggregates.0.metrics.cents.sum',
          message:
            'expected an integer ref for sum (money stays integer), got "state.currency" (a string field)',
          expected: 'an integer ref for sum (money stays integer)',
          got: '"state.currency" (a string field)',
          line: 40,
          column: 21,
        },
      ],
    });
  });
});
