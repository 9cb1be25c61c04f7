import type { Path, Ref } from '../../pipeline/program/types.js';

const SEGMENT = /^[A-Za-z0-9_$-]+$/;

export const REF_SHAPE = 'a ref: event.<path>, state.<field> or key';

/** `data.amountCents` → `['data', 'amountCents']`, or undefined when a segment is malformed. */
export function parsePath(text: string): Path | undefined {
  const segments = text.split('.');
  return segments.every((s) => SEGMENT.test(s)) ? segments : undefined;
}

/** A ref of docs/language.md#refs-and-conditions, or undefined when the text is not one. */
export function parseRef(text: string): Ref | undefined {
  if (text === 'key') return { kind: 'key' };
  if (text.startsWith('event.')) {
    const path = parsePath(text.slice('event.'.length));
    return path && { kind: 'event', path };
  }
  if (text.startsWith('state.')) {
    const field = text.slice('state.'.length);
    return SEGMENT.test(field) ? { kind: 'state', field } : undefined;
  }
  return undefined;
}

/** The name a group field takes from its ref: the last segment (`state.currency` → `currency`). */
export function refName(ref: Ref): string {
  if (ref.kind === 'key') return 'key';
  if (ref.kind === 'state') return ref.field;
  return ref.path[ref.path.length - 1] ?? '';
}
