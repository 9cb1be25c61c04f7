import {
  DataqueryBuilder,
  PromQueryFormat,
  QueryEditorMode,
} from '@grafana/grafana-foundation-sdk/prometheus';
import { prometheusDatasource } from './datasource.js';

/** One query of a panel: its expression and its series' legend. */
export interface TargetSpec {
  readonly expr: string;
  readonly legend: string;
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(spec: TargetSpec, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .refId(refIds[index] ?? `Q${index}`)
    .datasource(prometheusDatasource)
    .editorMode(QueryEditorMode.Code)
    .expr(spec.expr)
    .legendFormat(spec.legend);
}

/** Queries over the dashboard's time range, for time series panels. */
export function rangeTargets(specs: readonly TargetSpec[]): DataqueryBuilder[] {
  return specs.map((spec, i) => target(spec, i).range());
}

/** Queries of the latest value only: stats and tables show now, not a history. */
export function instantTargets(specs: readonly TargetSpec[], format?: 'table'): DataqueryBuilder[] {
  return specs.map((spec, i) => {
    const query = target(spec, i).instant();
    return format === 'table' ? query.format(PromQueryFormat.Table) : query;
  });
}
