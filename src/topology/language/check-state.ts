import type { FieldType } from '../../pipeline/program/types.js';
import { report, fits, type CheckContext } from './check-context.js';
import { showTypedValue } from '../describe-value.js';
import { parsePath } from './refs.js';
import { pathInfo, typeWords } from './schema-paths.js';

/** Kept by the engine in every stored state (docs/language.md#state). */
const ENGINE_FIELDS = ['appliedEvents', 'updatedAt', 'eventIds'] as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FIELD_NAME_WORDS = 'a field name of 1-64 letters, digits and "_", not starting with a digit';

function defaultFits(value: unknown, type: FieldType): boolean {
  if (value === null || value === undefined) return true;
  if (type === 'integer') return Number.isSafeInteger(value);
  return typeof value === type;
}

/** `state.key` and `state.fields`: names, the one status field, defaults and `from` paths. */
export function checkState(ctx: CheckContext): void {
  const { state } = ctx.data;
  if (state.key !== undefined && !FIELD_NAME.test(state.key)) {
    report(ctx, ['state', 'key'], FIELD_NAME_WORDS, JSON.stringify(state.key));
  }
  let status: string | undefined;
  for (const [name, field] of Object.entries(state.fields)) {
    const at = ['state', 'fields', name];
    if (!FIELD_NAME.test(name)) {
      report(ctx, at, FIELD_NAME_WORDS, JSON.stringify(name), 'key');
    } else if (name === ctx.keyField) {
      report(
        ctx,
        at,
        `a field name other than the key field and ${ENGINE_FIELDS.join(', ')}`,
        `"${name}" (the key field)`,
        'key',
      );
    } else if ((ENGINE_FIELDS as readonly string[]).includes(name)) {
      report(
        ctx,
        at,
        `a field name other than the key field and ${ENGINE_FIELDS.join(', ')}`,
        `"${name}" (kept by the engine)`,
        'key',
      );
    }
    if (field.type === 'status') {
      if (status !== undefined) {
        report(
          ctx,
          [...at, 'type'],
          'exactly one field of type status',
          `a second one (also state.fields.${status})`,
        );
      }
      status ??= name;
      if (field.from !== undefined) {
        report(
          ctx,
          [...at, 'from'],
          'a status field without from (the machine sets it)',
          JSON.stringify(field.from),
          'key',
        );
      }
      if (field.default !== undefined) {
        report(
          ctx,
          [...at, 'default'],
          'a status field without default (a key starts in the initial state)',
          JSON.stringify(field.default),
          'key',
        );
      }
      continue;
    }
    if (!defaultFits(field.default, field.type)) {
      report(
        ctx,
        [...at, 'default'],
        `a default of type ${field.type}`,
        showTypedValue(field.default),
      );
    }
    if (field.from !== undefined && ctx.schema !== undefined) {
      const info = pathInfo(ctx.schema, parsePath(field.from) ?? []);
      const shown = JSON.stringify(field.from);
      if (!info.exists) {
        report(
          ctx,
          [...at, 'from'],
          'an event path the schema defines',
          `${shown} (not in the schema)`,
        );
      } else if (!fits(info.types, field.type)) {
        report(
          ctx,
          [...at, 'from'],
          `a path whose schema type fits ${field.type}`,
          `${shown} (${typeWords(info.types)} in the schema)`,
        );
      }
    }
  }
  if (status === undefined) {
    report(ctx, ['state', 'fields'], 'exactly one field of type status', 'none');
  }
}
