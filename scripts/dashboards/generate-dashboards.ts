import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { loadAnyTopology } from '../../src/topology/index.js';
import { consumerLag } from './consumer-lag.js';
import { renderDashboard } from './render-dashboard.js';
import { dashboardTopology, type DashboardTopology } from './dashboard-topology.js';
import { topologyDashboard } from './topology-dashboard.js';
import { workerOverview } from './worker-overview.js';

/** Where the shipped dashboards live, relative to the repository root. */
export const dashboardsDir = 'dashboards';
/** Written per topology; a file of a topology that no longer exists is removed. */
export const topologyFilePattern = /^topology-.+\.json$/;

export interface GeneratedDashboard {
  /** Relative to the repository root. */
  readonly file: string;
  readonly dashboard: Dashboard;
}

/** The YAML topologies shipped in `topologies/`, read as the worker reads them. */
export function shippedTopologies(root: string): DashboardTopology[] {
  const dir = path.join(root, 'topologies');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => dashboardTopology(loadAnyTopology(path.join(dir, name))));
}

/** Every dashboard, in memory: the two fixed ones and one per topology. */
export function generateDashboards(topologies: readonly DashboardTopology[]): GeneratedDashboard[] {
  return [
    { file: `${dashboardsDir}/worker-overview.json`, dashboard: workerOverview() },
    { file: `${dashboardsDir}/consumer-lag.json`, dashboard: consumerLag() },
    ...topologies.map((topology) => ({
      file: `${dashboardsDir}/topology-${topology.name}.json`,
      dashboard: topologyDashboard(topology),
    })),
  ];
}

/** File path (relative to the root) → the exact text the generator writes there. */
export async function renderDashboards(root: string): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  for (const { file, dashboard } of generateDashboards(shippedTopologies(root))) {
    rendered.set(file, await renderDashboard(dashboard, path.join(root, file)));
  }
  return rendered;
}
