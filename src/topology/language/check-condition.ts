import { checkRef, refTypes, refTypeWords, report, type CheckContext } from './check-context.js';
import type { ConditionData, TestData } from './schema.js';

const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const;

/** The one operator of a test (the schema makes sure there is exactly one). */
export function testOp(test: TestData): keyof TestData {
  return Object.keys(test)[0] as keyof TestData;
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
