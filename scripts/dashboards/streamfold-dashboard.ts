import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  TimePickerBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';

export interface DashboardSpec {
  /** Fixed: links between dashboards and bookmarks use it (`/d/<uid>`). */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** Dashboards linked from this one's header, with the time range and variables carried over. */
  readonly links: readonly { readonly uid: string; readonly title: string }[];
}

/** What every streamfold dashboard shares: tag, refresh, time range, shared crosshair, links. */
export function streamfoldDashboard(spec: DashboardSpec): DashboardBuilder {
  const dashboard = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['streamfold'])
    .editable()
    // One crosshair across panels: a lag spike lines up with the rebalance that caused it.
    .tooltip(DashboardCursorSync.Crosshair)
    .version(1)
    .refresh('10s')
    .timezone('browser')
    .time({ from: 'now-30m', to: 'now' })
    .timepicker(new TimePickerBuilder())
    .fiscalYearStartMonth(0)
    .liveNow(false)
    .weekStart('')
    .annotation(
      inHeader(
        new AnnotationQueryBuilder()
          .builtIn(1)
          .datasource({ type: 'grafana', uid: '-- Grafana --' })
          .enable(true)
          .hide(true)
          .iconColor('rgba(0, 211, 255, 1)')
          .name('Annotations & Alerts')
          .type('dashboard'),
      ),
    );
  for (const link of spec.links) {
    dashboard.link(
      inHeader(
        new DashboardLinkBuilder(link.title)
          .type(DashboardLinkType.Link)
          .url(`/d/${link.uid}`)
          .icon('dashboard')
          .keepTime(true)
          .includeVars(true)
          .asDropdown(false)
          .tags([])
          .targetBlank(false)
          .tooltip(''),
      ),
    );
  }
  return dashboard;
}

/**
 * The SDK places links and annotation toggles in the controls dropdown by default
 * (`placement: inControlsMenu`); without a placement Grafana shows them in the dashboard header,
 * where the links to the other streamfold dashboards have always been.
 */
function inHeader<T extends { placement?: unknown }>(builder: Builder<T>): Builder<T> {
  return {
    build: () => {
      const built = builder.build();
      delete built.placement;
      return built;
    },
  };
}
