/**
 * The independent interpreter of a topology program (docs/language.md): a plain loop over each
 * partition's events in offset order that `streamfold reconcile` checks the engine against. It
 * shares no fold code with the engine, only the program's types.
 *
 * Per partition, for each schema-valid event:
 * 1. idle closes logged after an earlier offset take effect (windows.ts);
 * 2. the key's state machine steps (machine.ts): duplicate, anomaly or applied;
 * 3. an applied transition feeds every aggregate (aggregates.ts), running and, for windowed ones,
 *    the window of its event time in each size unless that window is closed (late);
 * 4. the watermark reads the event time and closes windows.
 * Partitions are independent (the input is partitioned by key); aggregates are kept per
 * partition and merged at the end (partials.ts).
 */
import type {
  GroupPartial,
  KeyState,
  Program,
  ProgramEvent,
} from '../../pipeline/program/types.js';
import { changeOf } from './aggregates.js';
import { stepKey } from './machine.js';
import {
  applyChange,
  groupPartials,
  mergeGroups,
  type GroupCells,
  type Groups,
} from './partials.js';
import type {
  InterpretedAnomaly,
  InterpreterInput,
  InterpreterResult,
  LateTransition,
  WindowPartition,
} from './types.js';
import {
  attribute,
  closeIdle,
  newPartitionWindows,
  observeTime,
  type PartitionWindows,
} from './windows.js';

interface PartitionRun {
  readonly states: Map<string, KeyState>;
  /** Aggregate name → groups. */
  readonly groups: Map<string, Groups>;
  readonly windows: PartitionWindows;
  applied: number;
  duplicates: number;
  readonly anomalies: InterpretedAnomaly[];
  readonly late: LateTransition[];
}

function runPartition(
  program: Program,
  partition: number,
  events: readonly { offset: number; event: ProgramEvent }[],
  idleCloses: readonly number[],
): PartitionRun {
  const run: PartitionRun = {
    states: new Map(),
    groups: new Map(
      program.aggregates.map((a): [string, Groups] => [a.name, new Map<string, GroupCells>()]),
    ),
    windows: newPartitionWindows(program, partition),
    applied: 0,
    duplicates: 0,
    anomalies: [],
    late: [],
  };
  const pendingIdle = [...idleCloses].sort((a, b) => a - b);

  for (const { offset, event } of events) {
    // An idle close after offset X happened before any event after X was read.
    while (pendingIdle.length > 0 && (pendingIdle[0] ?? Infinity) < offset) {
      pendingIdle.shift();
      closeIdle(run.windows);
    }

    const outcome = stepKey(program, run.states.get(event.key), event);
    if (outcome.kind === 'duplicate') run.duplicates += 1;
    else if (outcome.kind === 'anomaly') {
      run.anomalies.push({ partition, offset, key: event.key, reason: outcome.reason });
    } else {
      run.applied += 1;
      run.states.set(event.key, outcome.after);
      const applied = { partition, offset, event, ...outcome };
      for (const aggregate of program.aggregates) {
        const change = changeOf(program, aggregate, applied);
        if (change.size === 0) continue;
        const groups = run.groups.get(aggregate.name);
        if (groups !== undefined) applyChange(aggregate, groups, change);
        if (aggregate.windows !== undefined) {
          run.late.push(...attribute(run.windows, aggregate.name, change, event.time, offset));
        }
      }
    }
    observeTime(run.windows, event.time);
  }
  for (let i = 0; i < pendingIdle.length; i += 1) closeIdle(run.windows);
  return run;
}

function windowsResult(
  program: Program,
  runs: readonly PartitionRun[],
): InterpreterResult['windows'] {
  const result: InterpreterResult['windows'] = new Map();
  for (const aggregate of program.aggregates) {
    if (aggregate.windows === undefined) continue;
    const byField = new Map<string, Map<number, WindowPartition>>();
    const sizes = aggregate.windows.sizes.map((s) => s.label);
    const found = new Map<string, { size: number; start: number }>();
    for (const run of runs) {
      for (const [field, window] of run.windows.aggregates.get(aggregate.name)?.windows ?? []) {
        found.set(field, { size: sizes.indexOf(window.size.label), start: window.start });
      }
    }
    const fields = [...found].map(([field, at]) => ({ field, ...at }));
    fields.sort((a, b) => a.size - b.size || a.start - b.start);
    for (const { field } of fields) {
      const perPartition = new Map<number, WindowPartition>();
      for (const run of runs) {
        const window = run.windows.aggregates.get(aggregate.name)?.windows.get(field);
        if (window === undefined) continue;
        perPartition.set(run.windows.partition, {
          groups: groupPartials(aggregate, window.groups),
          closedBy: window.closedBy,
        });
      }
      byField.set(field, perPartition);
    }
    result.set(aggregate.name, byField);
  }
  return result;
}

export function interpret(input: InterpreterInput): InterpreterResult {
  const { program } = input;
  const partitions = [...input.partitions.keys()].sort((a, b) => a - b);
  const runs = partitions.map((partition) =>
    runPartition(
      program,
      partition,
      input.partitions.get(partition) ?? [],
      input.idleCloses?.get(partition) ?? [],
    ),
  );

  const states = new Map<string, KeyState>();
  const anomalies: InterpretedAnomaly[] = [];
  const late: LateTransition[] = [];
  let applied = 0;
  let duplicates = 0;
  for (const run of runs) {
    for (const [key, state] of run.states) states.set(key, state);
    anomalies.push(...run.anomalies);
    late.push(...run.late);
    applied += run.applied;
    duplicates += run.duplicates;
  }

  const aggregates = new Map<string, Map<string, GroupPartial>>();
  const aggregatePartials = new Map<string, Map<number, Map<string, GroupPartial>>>();
  for (const aggregate of program.aggregates) {
    const perPartition = runs.map(
      (run) => run.groups.get(aggregate.name) ?? new Map<string, GroupCells>(),
    );
    aggregates.set(aggregate.name, groupPartials(aggregate, mergeGroups(aggregate, perPartition)));
    const partials = new Map<number, Map<string, GroupPartial>>();
    runs.forEach((run, i) => {
      const groups = perPartition[i];
      if (groups !== undefined && groups.size > 0) {
        partials.set(run.windows.partition, groupPartials(aggregate, groups));
      }
    });
    aggregatePartials.set(aggregate.name, partials);
  }

  return {
    states,
    counts: { applied, duplicates, anomalies: anomalies.length, late: late.length },
    anomalies,
    aggregates,
    aggregatePartials,
    windows: windowsResult(program, runs),
    late,
  };
}
