import { checkCondition } from './check-condition.js';
import {
  checkRef,
  fits,
  refTypes,
  refTypeWords,
  report,
  stateFieldNames,
  typesUnknown,
  type CheckContext,
} from './check-context.js';

/** The states reachable from `initial` by following transitions. */
export function reachableStates(machine: CheckContext['data']['state']['machine']): Set<string> {
  const reached = new Set([machine.initial]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of machine.transitions) {
      if (!reached.has(t.to) && t.from.some((s) => reached.has(s))) {
        reached.add(t.to);
        grew = true;
      }
    }
  }
  return reached;
}

/** `state.machine`: the states, and every transition's states, event type, guard and set. */
export function checkMachine(ctx: CheckContext): void {
  const { machine } = ctx.data.state;
  const at = ['state', 'machine'];
  const initialWords = `a state other than the initial state "${machine.initial}"`;
  const firstAt = new Map<string, number>();
  const reached = reachableStates(machine);
  for (const [i, name] of machine.states.entries()) {
    const earlier = firstAt.get(name);
    if (name === machine.initial) {
      report(ctx, [...at, 'states', i], initialWords, `"${name}" (the initial state)`);
    } else if (earlier !== undefined) {
      report(
        ctx,
        [...at, 'states', i],
        'a state name no other state uses',
        `"${name}" (also state.machine.states.${earlier})`,
      );
    } else {
      firstAt.set(name, i);
      if (!reached.has(name)) {
        report(
          ctx,
          [...at, 'states', i],
          `a state reachable from the initial state "${machine.initial}"`,
          `"${name}" (no transition leads to it)`,
        );
      }
    }
  }
  const states = new Set(machine.states);
  const fromWords = `one of the states ${[machine.initial, ...firstAt.keys()].join(', ')}`;
  const toWords = `one of the states ${[...firstAt.keys()].join(', ')}`;
  const typeWords = ctx.eventTypes && `one of the event types ${ctx.eventTypes.join(', ')}`;
  for (const [i, t] of machine.transitions.entries()) {
    const here = [...at, 'transitions', i];
    if (typeWords !== undefined && !ctx.eventTypes?.includes(t.on)) {
      report(ctx, [...here, 'on'], typeWords, JSON.stringify(t.on));
    }
    for (const [j, from] of t.from.entries()) {
      if (from !== machine.initial && !states.has(from)) {
        report(ctx, [...here, 'from', j], fromWords, JSON.stringify(from));
      }
    }
    if (t.to === machine.initial) {
      report(ctx, [...here, 'to'], initialWords, `"${t.to}" (the initial state)`);
    } else if (!states.has(t.to)) {
      report(ctx, [...here, 'to'], toWords, JSON.stringify(t.to));
    }
    if (t.guard !== undefined) checkCondition(ctx, t.guard, [...here, 'guard']);
    for (const [field, text] of Object.entries(t.set ?? {})) {
      if (field === ctx.statusField) {
        report(
          ctx,
          [...here, 'set', field],
          "a field other than the status field (the transition's to sets it)",
          `"${field}" (the status field)`,
          'key',
        );
      } else if (!ctx.fields.has(field)) {
        const names = stateFieldNames(ctx).filter((n) => n !== ctx.statusField);
        report(
          ctx,
          [...here, 'set', field],
          `one of the state fields ${names.join(', ')}`,
          JSON.stringify(field),
          'key',
        );
      }
      const ref = checkRef(ctx, text, [...here, 'set', field]);
      const type = ctx.fields.get(field);
      if (
        ref !== undefined &&
        type !== undefined &&
        !typesUnknown(ctx, ref) &&
        !fits(refTypes(ctx, ref), type)
      ) {
        report(
          ctx,
          [...here, 'set', field],
          `a ref whose type fits ${type}`,
          `${JSON.stringify(text)} (${refTypeWords(ctx, ref)})`,
        );
      }
    }
  }
}
