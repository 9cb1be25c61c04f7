/** Integer cents shown as units with two decimals: display only, the data stays in cents. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatTotals(totals: Record<string, number>): string {
  const entries = Object.entries(totals).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0
    ? '(none)'
    : entries.map(([c, v]) => `${c} ${formatCents(v)}`).join(', ');
}
