/**
 * The flags of `streamfold simulate`, checked against the topology they are for. The count flag
 * picks the simulator: `--orders N` the order simulator (src/sim, the order wire contract), for a
 * legacy topology or a language one whose input takes order events; `--keys N` the program
 * simulator of language topologies (src/sim/program). The two take different knobs, and a knob
 * the chosen simulator lacks is refused by name rather than silently ignored, so a run never
 * produces a different stream than its command line says.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import { orderEventsFit } from './order-events-fit.js';
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
      /** The order simulator, for a legacy topology or a language one that takes its events. */
      readonly kind: 'orders';
      readonly topology: CompiledTopology | LanguageTopology;
      readonly options: Readonly<SimOptions>;
      readonly rate: number | undefined;
    }
  | {
      /** The program simulator: random walks over a language topology's machine. */
      readonly kind: 'program';
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

  // The flag names the simulator, not the topology's name: a legacy topology has only this one.
  if (flags.orders !== undefined || loaded.kind === 'legacy') {
    const orders = read('--orders', flags.orders, positiveInteger);
    const currencies = read('--currencies', flags.currencies, currencyList) ?? [
      ...simDefaults.currencies,
    ];
    if (flags.orders === undefined) refuse('--orders', 'required: how many orders to simulate');
    if (flags.keys !== undefined) {
      refuse(
        '--keys',
        loaded.kind === 'legacy'
          ? `${file} is a legacy orders topology: give the count as --orders`
          : '--orders runs the order simulator, --keys the program simulator: give one of them',
      );
    }
    if (flags.invalid !== undefined) {
      refuse(
        '--invalid',
        `${loaded.kind === 'legacy' ? `${file} is a legacy orders topology, whose simulator` : '--orders runs the order simulator, which'} has no schema-invalid events (--malformed and --invalid-transitions are its knobs)`,
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
    if (loaded.kind === 'language') {
      const fit = orderEventsFit(loaded.topology, options);
      if (!fit.ok) {
        throw new ConfigError('simulate flags', [
          {
            path: '--orders',
            message: `the input schema of ${file} refuses the order simulator's ${fit.type} events (${fit.message}): give --keys to simulate from its own schema`,
          },
        ]);
      }
    }
    return { kind: 'orders', topology: loaded.topology, options, rate };
  }

  const invalid = read('--invalid', flags.invalid, probability) ?? 0;
  const keys = read('--keys', flags.keys, positiveInteger);
  if (flags.keys === undefined) {
    refuse('--keys', 'required: how many keys to simulate (or --orders for the order simulator)');
  }
  if (flags.currencies !== undefined) {
    refuse(
      '--currencies',
      `${file} is a language topology: --keys draws its values from its schema, not from --currencies (--orders runs the order simulator, which takes them)`,
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
  return { kind: 'program', topology: loaded.topology, options, rate };
}
