import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMIT_HASHES } from '../../../src/state/keys.js';
import { commandName, readScripts } from '../../../src/state/script-loader.js';

describe('Lua script files', () => {
  const scripts = readScripts();

  it('are found, with key counts from their names', () => {
    expect(scripts.map((s) => s.name)).toContain('fence');
    expect(scripts.find((s) => s.name === 'fence')?.numberOfKeys).toBe(2);
  });

  it.each(readScripts().map((s) => [s.name, s] as const))(
    '%s documents KEYS, ARGV and returns, and uses exactly its declared keys',
    (_name, script) => {
      const header = /^--\[\[([\s\S]*?)\]\]/.exec(script.lua)?.[1] ?? '';
      expect(header).toMatch(/KEYS\[1\]/);
      expect(header).toMatch(/ARGV/);
      expect(header).toMatch(/Returns/);
      const body = script.lua.slice(script.lua.indexOf(']]'));
      const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      if (/KEYS\[tonumber\(/.test(body)) {
        // Keys chosen by an argument (commit-batch's hashes): the header documents the range,
        // up to exactly the declared count, and the literal indexes stay below it.
        expect(Math.max(...used)).toBeLessThan(script.numberOfKeys);
        expect(header).toMatch(
          new RegExp(`KEYS\\[${Math.max(...used) + 1}\\.\\.${script.numberOfKeys}\\]`),
        );
      } else {
        expect(Math.max(...used)).toBe(script.numberOfKeys);
      }
    },
  );

  it('commit-batch takes epoch, applied and outbox, then every hash a commit writes', () => {
    expect(scripts.find((s) => s.name === 'commit-batch')?.numberOfKeys).toBe(
      3 + COMMIT_HASHES.length,
    );
  });

  it('rejects a file whose name has no key count', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-lua-'));
    writeFileSync(path.join(dir, 'nocount.lua'), 'return 1');
    expect(() => readScripts(dir)).toThrow(/<name>-<numberOfKeys>\.lua/);
  });

  it('maps file names to command names', () => {
    expect(commandName('fence')).toBe('sfFence');
    expect(commandName('commit-batch')).toBe('sfCommitBatch');
  });
});
