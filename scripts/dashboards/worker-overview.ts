import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { consumerLagRef, workerOverviewRef } from './dashboard-refs.js';
import { metric as m } from './metric-names.js';
import { onVariables, select } from './promql.js';
import { streamfoldDashboard } from './streamfold-dashboard.js';
import { datasourceVariable, queryVariable } from './variables.js';
import { healthRows } from './worker-overview-health.js';
import { throughputRows } from './worker-overview-throughput.js';

const worker = onVariables('job', 'instance');

/** Throughput, batches, latency, commits and process health of the workers. */
export function workerOverview(): Dashboard {
  const dashboard = streamfoldDashboard({
    ...workerOverviewRef,
    description:
      'Throughput, batches, latency, commits and process health of the streamfold workers.',
    links: [consumerLagRef],
  })
    .withVariable(datasourceVariable())
    .withVariable(
      queryVariable({ name: 'job', label: 'Job', query: `label_values(${m.buildInfo}, job)` }),
    )
    .withVariable(
      queryVariable({
        name: 'instance',
        label: 'Instance',
        query: `label_values(${select(m.buildInfo, onVariables('job'))}, instance)`,
      }),
    )
    .withVariable(
      queryVariable({
        name: 'topic',
        label: 'Topic',
        query: `label_values(${select(m.recordsConsumed, worker)}, topic)`,
      }),
    );
  return healthRows(throughputRows(dashboard)).build();
}
