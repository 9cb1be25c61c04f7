import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheusDatasource } from './datasource.js';

/** The Prometheus datasource to read, chosen in the dashboard (`${datasource}` everywhere). */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .regex('')
    .hide(VariableHide.DontHide)
    .includeAll(false)
    .multi(false);
}

export interface QueryVariableSpec {
  readonly name: string;
  readonly label: string;
  /** `label_values(selector, label)`, the form Grafana's Prometheus variable editor writes. */
  readonly query: string;
  /** Partition numbers sort as numbers: 10 after 9, not after 1. */
  readonly numeric?: boolean;
  /**
   * What "All" stands for: `.*` by default (any value, even one not listed yet); null for the
   * listed values only, when the list itself is the filter.
   */
  readonly allValue?: string | null;
}

/**
 * A multi-value variable over label values, "All" selected: refreshed with the time range, so
 * a worker or partition that appeared since the dashboard loaded is offered.
 */
export function queryVariable(spec: QueryVariableSpec): QueryVariableBuilder {
  const variable = new QueryVariableBuilder(spec.name)
    .label(spec.label)
    .datasource(prometheusDatasource)
    .definition(spec.query)
    .query({ qryType: 1, query: spec.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .regex('')
    .sort(spec.numeric ? VariableSort.NumericalAsc : VariableSort.AlphabeticalAsc)
    .hide(VariableHide.DontHide)
    .includeAll(true)
    .multi(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .options([]);
  const allValue = spec.allValue === undefined ? '.*' : spec.allValue;
  return allValue === null ? variable : variable.allValue(allValue);
}
