import { describe, expect, it } from 'vitest';
import { calls, metricNames, rangeOf } from './promql.js';

describe('promql helpers (used by the dashboard and alert checks)', () => {
  it('finds the metric names of an expression, not functions, labels or modifiers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, command) (rate(streamfold_x_bucket{job=~"$job", a="b{c}"}[$__rate_interval])))',
      ),
    ).toEqual(['streamfold_x_bucket']);
    expect(
      metricNames(
        'max by (topic) (a_metric) - on (topic, partition) group_left max(b_metric offset 5m) > bool 0 and up == 0',
      ),
    ).toEqual(['a_metric', 'b_metric', 'up']);
    expect(metricNames('sum(rate(x_total[5m])) / sum (rate(y_total[5m])) > 0.01')).toEqual([
      'x_total',
      'y_total',
    ]);
  });

  it("reads Grafana's label_values(selector, label) variable queries", () => {
    expect(metricNames('label_values(streamfold_build_info{job=~"$job"}, instance)')).toEqual([
      'streamfold_build_info',
    ]);
  });

  it('finds rate-like calls and their range, nested calls included', () => {
    const expr =
      'sum(rate(a[$__rate_interval])) / sum(increase(b{c="d"}[5m])) + deriv(x[10m]) + rate((c)[1m:])';
    expect(calls(expr, ['rate', 'increase']).map(({ fn, args }) => [fn, rangeOf(args)])).toEqual([
      ['rate', '$__rate_interval'],
      ['increase', '5m'],
      ['rate', '1m:'],
    ]);
  });
});
