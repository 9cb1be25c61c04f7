import { describe, expect, it } from 'vitest';
import { ScriptCodes } from '../../../src/state/script-codes.js';
import { readScripts } from '../../../src/state/script-loader.js';

/** The status literals a script body returns: `return { -1, …` and a bare `return 0`. */
function returnedCodes(lua: string): number[] {
  const body = lua.slice(lua.indexOf(']]'));
  const inTables = [...body.matchAll(/return \{ (-?\d+),/g)].map((m) => Number(m[1]));
  const bare = [...body.matchAll(/return (-?\d+)\s*$/gm)].map((m) => Number(m[1]));
  return [...inTables, ...bare];
}

describe('ScriptCodes', () => {
  const scripts = readScripts();
  const named = new Set<number>(Object.values(ScriptCodes));

  it.each(scripts.map((s) => [s.name, s.lua] as const))(
    '%s returns no status literal without a name',
    (_name, lua) => {
      for (const code of returnedCodes(lua)) expect(named).toContain(code);
    },
  );

  it('names only codes some script returns, each code once', () => {
    const returned = new Set(scripts.flatMap((s) => returnedCodes(s.lua)));
    for (const code of Object.values(ScriptCodes)) expect(returned).toContain(code);
    expect(named.size).toBe(Object.keys(ScriptCodes).length);
  });

  it('gives fence a retired code that no epoch can equal (INCR starts epochs at 1)', () => {
    expect(ScriptCodes.retired).toBeLessThan(1);
  });
});
