/** Durations in topology files: an integer and a unit, e.g. `500ms`, `30s`, `1m`, `1h`, `1d`. */
export const DURATION_PATTERN = /^(\d{1,9})(ms|s|m|h|d)$/;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds of a duration that matches DURATION_PATTERN, NaN otherwise. */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNIT_MS[match[2]!] ?? Number.NaN);
}

/** The canonical label of a duration: the largest unit that divides it (`60000` → `1m`). */
export function durationLabel(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
