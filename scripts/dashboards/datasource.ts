import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * Every panel, target and query variable reads the `datasource` variable, so a dashboard
 * imported into any Grafana picks its own Prometheus instead of a uid that exists only here.
 */
export const prometheusDatasource: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
