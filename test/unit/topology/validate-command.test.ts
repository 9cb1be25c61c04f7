import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerValidate, runValidate } from '../../../src/cli/commands/validate.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`fixtures/invalid/${name}`, import.meta.url));
const orders = fileURLToPath(new URL('../../../topologies/orders.yaml', import.meta.url));

function run(file: string, json = false): { code: number; out: string } {
  let out = '';
  const code = runValidate(file, { json }, { write: (text: string) => (out += text) });
  return { code, out };
}

describe('streamfold validate', () => {
  it('prints one ok line and exits 0 for a valid topology', () => {
    expect(run(orders)).toEqual({
      code: 0,
      out: `ok: ${orders} (topology orders, source order-events, group streamfold-orders, 6 partitions)\n`,
    });
  });

  it('prints every problem as file: path: expected, got and exits 1', () => {
    const file = fixture('several-problems.yaml');
    expect(run(file)).toEqual({
      code: 1,
      out:
        `${file}: source.group: expected string, got nothing\n` +
        `${file}: source.partitions: expected at least 1, got 0\n` +
        `${file}: outputs.revenue: expected a Kafka topic name: 1-249 of letters, digits, ".", "_", "-", got ""\n`,
    });
  });

  it('puts line:column of a YAML error after the file name', () => {
    const file = fixture('yaml-duplicate-key.yaml');
    expect(run(file)).toEqual({
      code: 1,
      out: `${file}:6:3: (yaml): expected valid YAML, got Map keys must be unique\n`,
    });
  });

  it('reports a missing file clearly and exits 1', () => {
    expect(run('nowhere/missing.yaml')).toEqual({
      code: 1,
      out: 'nowhere/missing.yaml: (file): expected a readable topology file, got no such file\n',
    });
  });

  it('--json: ok with the topology summary', () => {
    const { code, out } = run(orders, true);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      ok: true,
      file: orders,
      topology: 'orders',
      source: 'order-events',
      group: 'streamfold-orders',
      partitions: 6,
    });
  });

  it('--json: every issue with path, message, expected and got', () => {
    const file = fixture('partitions-wrong-type.yaml');
    const { code, out } = run(file, true);
    expect(code).toBe(1);
    expect(out.endsWith('\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      ok: false,
      file,
      issues: [
        {
          path: 'source.partitions',
          message: 'expected number, got string "six"',
          expected: 'number',
          got: 'string "six"',
        },
      ],
    });
  });

  describe('as registered on the program', () => {
    const exitCode = process.exitCode;
    afterEach(() => {
      process.exitCode = exitCode;
      vi.restoreAllMocks();
    });

    async function cli(...args: string[]): Promise<{ code: unknown; out: string }> {
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      });
      const program = new Command('streamfold').exitOverride();
      registerValidate(program);
      await program.parseAsync(['node', 'streamfold', 'validate', ...args]);
      return { code: process.exitCode, out };
    }

    it('exits 0 on a valid file', async () => {
      const { code, out } = await cli(orders);
      expect(code).toBe(0);
      expect(out).toMatch(/^ok: /);
    });

    it('exits 1 and passes --json through', async () => {
      const { code, out } = await cli(fixture('duplicate-outputs.yaml'), '--json');
      expect(code).toBe(1);
      expect(JSON.parse(out)).toMatchObject({
        ok: false,
        issues: [{ path: 'outputs.anomalies' }],
      });
    });
  });
});
