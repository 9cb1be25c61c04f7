import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  FieldTextAlignment,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableCellHeight,
  TableFooterOptionsBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  FieldColorBuilder,
  FieldColorModeId,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { prometheusDatasource } from './datasource.js';
import { instantTargets, rangeTargets, type TargetSpec } from './targets.js';

/**
 * The panel kinds of the streamfold dashboards with the settings they share. Position is given
 * as a size only: the dashboard builder lays panels out left to right under their row, so a
 * panel added or removed moves the others instead of overlapping them.
 */
export interface PanelSpec {
  /** Kept stable: Grafana links to a panel (`viewPanel=<id>`) by it. */
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly width: number;
  readonly height: number;
  readonly targets: readonly TargetSpec[];
  readonly decimals?: number;
}

export interface TimeseriesSpec extends PanelSpec {
  /** Series stacked and filled: parts of one whole (results, reasons, workers). */
  readonly stacked?: boolean;
  /** False for a value that goes below 0 (a derivative) or an axis that starts elsewhere. */
  readonly fromZero?: boolean;
}

export function timeseriesPanel(spec: TimeseriesSpec): timeseries.PanelBuilder {
  const stacked = spec.stacked ?? false;
  const panel = new timeseries.PanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .unit(spec.unit)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic))
    .drawStyle(GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(stacked ? 30 : 10)
    .showPoints(VisibilityMode.Never)
    .spanNulls(false)
    .stacking(
      new StackingConfigBuilder()
        .mode(stacked ? StackingMode.Normal : StackingMode.None)
        .group('A'),
    )
    .legend(
      new VizLegendOptionsBuilder()
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(
      new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending),
    )
    .targets(rangeTargets(spec.targets))
    .height(spec.height)
    .span(spec.width);
  if (spec.fromZero ?? true) panel.min(0);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

export interface StatSpec extends PanelSpec {
  /** Colour steps from the lowest (value null) up. */
  readonly steps: readonly Threshold[];
}

export function statPanel(spec: StatSpec): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .unit(spec.unit)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([...spec.steps]))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false))
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.Area)
    .textMode(BigValueTextMode.Auto)
    .justifyMode(BigValueJustifyMode.Auto)
    .orientation(VizOrientation.Auto)
    .targets(instantTargets(spec.targets))
    .height(spec.height)
    .span(spec.width);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

export interface TableSpec extends PanelSpec {
  /** Columns of the query result left out (Time: an instant query's timestamp says nothing). */
  readonly hidden: readonly string[];
}

export function tablePanel(spec: TableSpec): table.PanelBuilder {
  return new table.PanelBuilder()
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .unit(spec.unit)
    .align(FieldTextAlignment.Auto)
    .showHeader(true)
    .cellHeight(TableCellHeight.Sm)
    .footer(new TableFooterOptionsBuilder().show(false))
    .withTransformation({
      id: 'organize',
      options: { excludeByName: Object.fromEntries(spec.hidden.map((c) => [c, true])) },
    })
    .targets(instantTargets(spec.targets, 'table'))
    .height(spec.height)
    .span(spec.width);
}

/** An expanded row: the panels after it, up to the next row, are its own. */
export function row(id: number, title: string): RowBuilder {
  return new RowBuilder(title).id(id).collapsed(false);
}
