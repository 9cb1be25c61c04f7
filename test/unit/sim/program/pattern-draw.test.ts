import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../src/sim/random.js';
import { compilePattern } from '../../../../src/sim/program/pattern-draw.js';

describe('compilePattern', () => {
  it.each([
    '^[A-Z]{3}$',
    '^order-[0-9a-z-]+$',
    '^(1Z|JD|3S)[0-9A-Z]{10,14}$',
    '^SKU-\\d{4}$',
    '(web|app)-\\w{2,}',
    '^a.b?c*$',
    '^[\\w.-]+@example\\.com$',
    '^(?:EU|US)-[a-f0-9]{8}$',
    '^x|^y$',
  ])('draws strings that %s matches', (pattern) => {
    const compiled = compilePattern(pattern);
    if (!compiled.ok) throw new Error(compiled.reason);
    const rng = createRandom(1);
    const re = new RegExp(pattern, 'u');
    for (let i = 0; i < 200; i++) {
      const s = compiled.draw(rng);
      expect(re.test(s), s).toBe(true);
    }
  });

  it.each([
    ['^(?!x)a$', 'lookaround or named group'],
    ['^[^a]$', 'negated class'],
    ['^(a)\\1$', 'escape \\1'],
    ['^a(b$', 'unclosed group'],
    ['^a)b$', 'unbalanced parenthesis'],
    ['^a^b$', 'anchor inside the pattern'],
  ])('refuses %s (%s)', (pattern, reason) => {
    expect(compilePattern(pattern)).toEqual({ ok: false, reason });
  });
});
