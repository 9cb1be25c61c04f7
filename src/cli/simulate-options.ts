/**
 * The flags of `streamfold simulate`, checked against the topology they are for: the legacy
 * orders simulator (src/sim) and the program simulator of language topologies (src/sim/program)
 * take different knobs, and a knob the chosen simulator lacks is refused by name rather than
 * silently ignored, so a run never produces a different stream than its command line says.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import { resolveProgramSimOptions, type ProgramSimOptions } from '../sim/program/index.js';
import { resolveSimOptions, simDefaults, type SimOptions } from '../sim/index.js';
import type { AnyTopology, CompiledTopology, LanguageTopology } from '../topology/index.js';

/** The flags as commander hands them over: text, absent when not given. */
export interface SimulateFlagValues {
  readonly orders?: string;
  readonly keys?: string;
  readonly seed?: string;
  readonly rate?: string;
  readonly duplicates?: string;
  readonly malformed?: string;
  readonly invalid?: string;
  readonly invalidTransitions?: string;
  readonly currencies?: string;
  readonly startTime?: string;
}

/**
 * What to simulate: the topology, the simulator's resolved options, and the pace (undefined: no
 * limit).
 */
export type SimulateRun =
  | {
      readonly kind: 'legacy';
      readonly topology: CompiledTopology;
      readonly options: Readonly<SimOptions>;
      readonly rate: number | undefined;
    }
  | {
      readonly kind: 'language';
      readonly topology: LanguageTopology;
      readonly options: Readonly<ProgramSimOptions>;
      readonly rate: number | undefined;
    };

type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

function positiveInteger(text: string): Parsed<number> {
  const n = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(n) && n > 0
    ? ok(n)
    : bad(`must be a positive integer, got ${JSON.stringify(text)}`);
}

function integer(text: string): Parsed<number> {
  const n = Number(text);
  return /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(n)
    ? ok(n)
    : bad(`must be an integer, got ${JSON.stringify(text)}`);
}

function positiveNumber(text: string): Parsed<number> {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n > 0
    ? ok(n)
    : bad(`must be a positive number (records per second), got ${JSON.stringify(text)}`);
}

function probability(text: string): Parsed<number> {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1
    ? ok(n)
    : bad(`must be a probability between 0 and 1, got ${JSON.stringify(text)}`);
}

function currencyList(text: string): Parsed<string[]> {
  const list = text.split(',').map((c) => c.trim());
  const wrong = list.filter((c) => !/^[A-Z]{3}$/.test(c));
  return wrong.length === 0
    ? ok(list)
    : bad(
        `expected comma-separated 3-letter upper-case codes, e.g. USD,EUR (bad: ${wrong.map((w) => JSON.stringify(w)).join(', ')})`,
      );
}

function startTime(now: () => number): (text: string) => Parsed<number> {
  return (text) => {
    if (text === 'now') return ok(now());
    const n = Number(text);
    return /^\d+$/.test(text) && Number.isSafeInteger(n)
      ? ok(n)
      : bad(`must be epoch milliseconds or "now", got ${JSON.stringify(text)}`);
  };
}

/**
 * Checks the flags for the topology's format and resolves the simulator's options; every bad
 * flag is one issue of the ConfigError, its path the flag as typed (`--keys`).
 */
export function simulateOptions(
  flags: SimulateFlagValues,
  loaded: AnyTopology,
  now: () => number = Date.now,
): SimulateRun {
  const issues: ConfigIssue[] = [];
  const refuse = (flag: string, message: string): void => {
    issues.push({ path: flag, message });
  };
  const read = <T>(
    flag: string,
    text: string | undefined,
    parse: (text: string) => Parsed<T>,
  ): T | undefined => {
    if (text === undefined) return undefined;
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    refuse(flag, parsed.message);
    return undefined;
  };

  const seed = read('--seed', flags.seed, integer);
  if (flags.seed === undefined) {
    refuse('--seed', 'required: the same seed and options give the same records');
  }
  const rate = read('--rate', flags.rate, positiveNumber);
  const duplicates = read('--duplicates', flags.duplicates, probability) ?? 0;
  const malformed = read('--malformed', flags.malformed, probability) ?? 0;
  const invalidTransitions =
    read('--invalid-transitions', flags.invalidTransitions, probability) ?? 0;
  const start = read('--start-time', flags.startTime, startTime(now)) ?? simDefaults.startTime;
  const file = loaded.topology.file;

  if (loaded.kind === 'legacy') {
    const orders = read('--orders', flags.orders, positiveInteger);
    const currencies = read('--currencies', flags.currencies, currencyList) ?? [
      ...simDefaults.currencies,
    ];
    if (flags.orders === undefined) refuse('--orders', 'required: how many orders to simulate');
    if (flags.keys !== undefined) {
      refuse('--keys', `${file} is a legacy orders topology: give the count as --orders`);
    }
    if (flags.invalid !== undefined) {
      refuse(
        '--invalid',
        `${file} is a legacy orders topology, whose simulator has no schema-invalid events (--malformed and --invalid-transitions are its knobs)`,
      );
    }
    if (issues.length > 0) throw new ConfigError('simulate flags', issues);
    const options = resolveSimOptions({
      orders: orders!,
      seed: seed!,
      duplicates,
      malformed,
      invalidTransitions,
      currencies,
      startTime: start,
      maxValueBytes: loaded.topology.event.maxValueBytes,
    });
    return { kind: 'legacy', topology: loaded.topology, options, rate };
  }

  const invalid = read('--invalid', flags.invalid, probability) ?? 0;
  // `--orders` stays accepted so a command line written for orders.yaml works on its successor.
  const keys =
    read('--keys', flags.keys, positiveInteger) ?? read('--orders', flags.orders, positiveInteger);
  if (flags.keys !== undefined && flags.orders !== undefined) {
    refuse('--orders', 'an alias of --keys for a language topology: give one of them');
  }
  if (flags.keys === undefined && flags.orders === undefined) {
    refuse('--keys', 'required: how many keys to simulate');
  }
  if (flags.currencies !== undefined) {
    refuse(
      '--currencies',
      `${file} is a language topology: its values are drawn from its schema, not from --currencies`,
    );
  }
  if (issues.length > 0) throw new ConfigError('simulate flags', issues);
  const options = resolveProgramSimOptions({
    keys: keys!,
    seed: seed!,
    duplicates,
    malformed,
    invalid,
    invalidTransitions,
    startTime: start,
    maxValueBytes: loaded.topology.input.maxValueBytes,
  });
  return { kind: 'language', topology: loaded.topology, options, rate };
}
