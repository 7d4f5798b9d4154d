import middy from '@middy/core';
import { injectLambdaContext, logger } from '../../lib/log';
import { logMetrics, metrics } from '../../lib/metrics';
import { defaultDeliveryDeps, fanOut } from '../../lib/webhooks/deliver';
import { webhookJobSchema } from '../../lib/webhooks/payload';

/**
 * Invoked asynchronously by the functions that publish (lib/webhooks/enqueue.ts): one event's
 * first attempt at each subscribed endpoint; what fails is kept for the sweep. It throws only when
 * it could not keep a failure, so that Lambda invokes it again (its retries for asynchronous
 * invocations, then the failure queue in serverless.yml).
 */
export const handler = middy<unknown, unknown>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .handler(async (event: unknown) => {
    const job = webhookJobSchema.safeParse(event);
    if (!job.success) {
      // Retrying cannot mend it: dropped, loudly.
      logger.error('Not a webhook job; dropped', { issues: job.error.issues });
      return { dropped: true };
    }
    return fanOut(defaultDeliveryDeps(), job.data);
  });
