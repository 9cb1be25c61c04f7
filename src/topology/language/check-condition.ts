import { checkRef, refTypes, refTypeWords, report, type CheckContext } from './check-context.js';
import { valueAt } from '../describe-value.js';
import { isLiteral, type ConditionData, type TestData } from './schema.js';

const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const;

/** The one operator of a test (the schema makes sure there is exactly one). */
export function testOp(test: TestData): keyof TestData {
  return Object.keys(test)[0] as keyof TestData;
}

/**
 * The status field holds a state name: a literal that is none is a misspelt state, and the test
 * would silently never (or always) hold.
 */
function checkStatusLiterals(
  ctx: CheckContext,
  test: TestData,
  op: keyof TestData,
  segments: readonly PropertyKey[],
): void {
  const { machine } = ctx.data.state;
  const states = [machine.initial, ...machine.states];
  const literals =
    op === 'eq' || op === 'ne' ? [test[op]] : op === 'in' || op === 'notIn' ? (test[op] ?? []) : [];
  // A bare literal (`state.status: paid`) has no operator in the file to point at.
  const bare = isLiteral(valueAt(ctx.doc, segments));
  for (const [i, literal] of literals.entries()) {
    if (typeof literal === 'string' && states.includes(literal)) continue;
    const at = bare
      ? segments
      : op === 'in' || op === 'notIn'
        ? [...segments, op, i]
        : [...segments, op];
    report(
      ctx,
      at,
      `one of the states ${[...new Set(states)].join(', ')}`,
      JSON.stringify(literal),
    );
  }
}

/**
 * Checks a condition's refs (each key, and the other side of `sameAs`/`differs`) and that a
 * comparison reads a number: `gt` on a string would never hold, which is a typo, not a rule.
 * `stateOnly` gives the reason an `event.` ref is refused here.
 */
export function checkCondition(
  ctx: CheckContext,
  condition: ConditionData,
  segments: readonly PropertyKey[],
  stateOnly?: string,
): void {
  for (const [text, test] of Object.entries(condition)) {
    const ref = checkRef(ctx, text, [...segments, text], {
      at: 'key',
      ...(stateOnly ? { stateOnly } : {}),
    });
    const op = testOp(test);
    if (op === 'sameAs' || op === 'differs') {
      const other = test[op];
      if (other !== undefined) {
        checkRef(ctx, other, [...segments, text, op], stateOnly ? { stateOnly } : {});
      }
    }
    if (ref?.kind === 'state' && ref.field === ctx.statusField)
      checkStatusLiterals(ctx, test, op, [...segments, text]);
    if (ref === undefined || !(COMPARISONS as readonly string[]).includes(op)) continue;
    const types = refTypes(ctx, ref);
    if (
      types !== undefined &&
      [...types].some((t) => t !== 'integer' && t !== 'number' && t !== 'null')
    ) {
      report(
        ctx,
        [...segments, text, op],
        `a number to compare with ${op}`,
        `${JSON.stringify(text)} (${refTypeWords(ctx, ref)})`,
        'key',
      );
    }
  }
}
