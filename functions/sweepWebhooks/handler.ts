import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext, logger } from '../../lib/log';
import { logMetrics, metrics } from '../../lib/metrics';
import { sweepWebhooks, type SweepSummary } from '../../lib/webhooks/sweep';

/** Every minute: attempt every webhook delivery that is due, within this invocation's time. */
export const handler = middy<unknown, SweepSummary>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(async (_event: unknown, context: Context) => {
    const summary = await sweepWebhooks({ remainingMs: () => context.getRemainingTimeInMillis() });
    if (summary.delivered + summary.retrying + summary.failed + summary.errors > 0) logger.info('Webhook sweep', { ...summary });
    return summary;
  });
