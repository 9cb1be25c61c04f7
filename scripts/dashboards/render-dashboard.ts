import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { format, resolveConfig } from 'prettier';

/**
 * A dashboard as the file the generator writes: JSON laid out by the repository's Prettier
 * settings, so `prettier --check` and the equality test agree on one byte-exact form.
 */
export async function renderDashboard(dashboard: Dashboard, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(dashboard), { ...options, parser: 'json', filepath: file });
}
