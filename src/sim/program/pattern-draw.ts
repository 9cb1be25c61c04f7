/**
 * Strings for simple regular expressions (`^[A-Z]{3}$`, `^ord-[0-9a-z]+$`, `(web|app)-\d{2}`):
 * literals, classes with ranges, `.`, `\d \w \s`, groups with `|`, and the quantifiers
 * `? * + {n} {n,} {n,m}`. Anything else (negated classes, lookarounds, backreferences) is
 * refused: the caller reports the schema as one it cannot simulate.
 */
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import type { Random } from '../random.js';

type Part =
  | { readonly kind: 'chars'; readonly chars: string }
  | { readonly kind: 'alt'; readonly options: readonly (readonly Part[])[] }
  | { readonly kind: 'repeat'; readonly part: Part; readonly min: number; readonly max: number };

export type PatternResult =
  | {
      ok: true;
      draw: (rng: Random) => string;
      /** The longest string it draws (open quantifiers stop a few repetitions on). */
      maxLength: number;
    }
  | { ok: false; reason: string };

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const WORD = `${LOWER}${UPPER}${DIGITS}_`;
/** Open-ended quantifiers stop a few repetitions past their minimum. */
const EXTRA = 4;

/** Parsing stops at the first construct outside the subset; compilePattern turns it into a result. */
class Unsupported extends StreamfoldError {
  constructor(readonly reason: string) {
    super(ErrorCodes.CONFIG_INVALID, `unsupported pattern construct: ${reason}`);
  }
}

function escapeChars(c: string): string {
  switch (c) {
    case 'd':
      return DIGITS;
    case 'w':
      return WORD;
    case 's':
      return ' ';
    default:
      if (/[A-Za-z0-9]/.test(c)) throw new Unsupported(`escape \\${c}`);
      return c;
  }
}

function parse(pattern: string): Part[] {
  let at = 0;
  const peek = (): string | undefined => pattern[at];

  function klass(): Part {
    let chars = '';
    if (peek() === '^') throw new Unsupported('negated class');
    while (at < pattern.length && peek() !== ']') {
      let c = pattern[at++]!;
      if (c === '\\') {
        const e = escapeChars(pattern[at++] ?? '');
        if (e.length > 1) {
          chars += e;
          continue;
        }
        c = e;
      }
      if (peek() === '-' && pattern[at + 1] !== undefined && pattern[at + 1] !== ']') {
        at += 1;
        let end = pattern[at++]!;
        if (end === '\\') end = escapeChars(pattern[at++] ?? '');
        for (let code = c.codePointAt(0)!; code <= end.codePointAt(0)!; code++) {
          chars += String.fromCodePoint(code);
        }
      } else chars += c;
    }
    if (peek() !== ']') throw new Unsupported('unclosed class');
    at += 1;
    if (chars.length === 0) throw new Unsupported('empty class');
    return { kind: 'chars', chars };
  }

  function quantified(part: Part): Part {
    const c = peek();
    let min: number;
    let max: number;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, EXTRA];
    else if (c === '+') [min, max] = [1, 1 + EXTRA];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
      if (match === null) throw new Unsupported('quantifier');
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? min + EXTRA : Number(match[3]);
      at += match[0].length - 1;
    } else return part;
    at += 1;
    if (peek() === '?') at += 1; // lazy: the same strings
    return quantified({ kind: 'repeat', part, min, max });
  }

  function sequence(): Part[][] {
    const options: Part[][] = [[]];
    while (at < pattern.length) {
      const c = pattern[at]!;
      if (c === ')') break;
      at += 1;
      let part: Part;
      if (c === '|') {
        options.push([]);
        continue;
      } else if (c === '^' || c === '$') {
        const edge =
          c === '^'
            ? at === 1 || pattern[at - 2] === '(' || pattern[at - 2] === '|'
            : at === pattern.length || pattern[at] === ')' || pattern[at] === '|';
        if (!edge) {
          throw new Unsupported('anchor inside the pattern');
        }
        continue;
      } else if (c === '(') {
        if (peek() === '?') {
          if (pattern[at + 1] !== ':') throw new Unsupported('lookaround or named group');
          at += 2;
        }
        const inner = sequence();
        if (peek() !== ')') throw new Unsupported('unclosed group');
        at += 1;
        part = { kind: 'alt', options: inner };
      } else if (c === '[') part = klass();
      else if (c === '.') part = { kind: 'chars', chars: `${LOWER}${DIGITS}` };
      else if (c === '\\') part = { kind: 'chars', chars: escapeChars(pattern[at++] ?? '') };
      else if ('*+?{}'.includes(c)) throw new Unsupported(`quantifier "${c}" without an atom`);
      else part = { kind: 'chars', chars: c };
      options[options.length - 1]!.push(quantified(part));
    }
    return options;
  }

  const top = sequence();
  if (at !== pattern.length) throw new Unsupported('unbalanced parenthesis');
  return [{ kind: 'alt', options: top }];
}

function render(parts: readonly Part[], rng: Random): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'chars') out += [...part.chars][rng.int(0, [...part.chars].length - 1)]!;
    else if (part.kind === 'alt') out += render(rng.pick(part.options), rng);
    else {
      const n = rng.int(part.min, part.max);
      for (let i = 0; i < n; i++) out += render([part.part], rng);
    }
  }
  return out;
}

function longest(parts: readonly Part[]): number {
  let n = 0;
  for (const part of parts) {
    if (part.kind === 'chars') n += 1;
    else if (part.kind === 'alt') n += Math.max(0, ...part.options.map(longest));
    else n += part.max * longest([part.part]);
  }
  return n;
}

export function compilePattern(pattern: string): PatternResult {
  try {
    const parts = parse(pattern);
    return { ok: true, draw: (rng) => render(parts, rng), maxLength: longest(parts) };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.reason };
    throw error;
  }
}
