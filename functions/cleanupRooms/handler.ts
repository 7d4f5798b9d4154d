import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { withPassMetrics } from '../../lib/cleanup/passMetrics';
import { logReporter } from '../../lib/cleanup/report';
import { injectLambdaContext, logger } from '../../lib/log';
import { logMetrics, metrics } from '../../lib/metrics';
import type { CleanupSummary } from '../../lib/cleanup/passCounts';
import { runCleanup } from '../../lib/cleanup/runCleanup';

/** The scheduled time, so a delayed or retried delivery judges staleness as scheduled. */
const timeOf = (event: Partial<ScheduledEvent>): Date => {
  const at = event.time ? new Date(event.time) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
};

/** EventBridge schedule → one cleanup pass over every tenant, within this invocation's time. */
export const handler = middy<ScheduledEvent, CleanupSummary>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler((event: ScheduledEvent, context: Context) =>
    runCleanup({
      now: timeOf(event),
      remainingMs: () => context.getRemainingTimeInMillis(),
      reporter: withPassMetrics(logReporter, metrics),
    }),
  );
