import { MetricUnit, type Metrics } from '../metrics';
import type { CleanupReporter } from './report';
import type { CleanupSummary } from './passCounts';

/** A pass's counts as metrics: what an alarm on a stuck or failing cleanup watches. */
export const recordPassMetrics = (metrics: Metrics, summary: CleanupSummary): void => {
  metrics.addMetric('RoomsDeleted', MetricUnit.Count, summary.deleted);
  metrics.addMetric('RoomsSkipped', MetricUnit.Count, summary.skipped);
  metrics.addMetric('ChildrenDeleted', MetricUnit.Count, summary.children);
  metrics.addMetric('FailedTenants', MetricUnit.Count, summary.failedTenants.length);
  metrics.addMetric('PassIncomplete', MetricUnit.Count, summary.complete ? 0 : 1);
  metrics.addMetric('PassDuration', MetricUnit.Milliseconds, summary.durationMs);
};

/** A reporter that also records each pass's metrics (published by the handler's logMetrics). */
export const withPassMetrics = (reporter: CleanupReporter, metrics: Metrics): CleanupReporter => ({
  ...reporter,
  pass: (summary) => {
    reporter.pass(summary);
    recordPassMetrics(metrics, summary);
  },
});
