import middy from '@middy/core';
import { config } from '../../lib/config';
import { injectLambdaContext, logger } from '../../lib/log';
import { logMetrics, metrics } from '../../lib/metrics';
import { defaultDeliveryDeps, fanOut } from '../../lib/webhooks/deliver';
import { queueJob } from '../../lib/webhooks/enqueue';
import { webhookJobSchema, type WebhookJob } from '../../lib/webhooks/payload';

/**
 * A job whose failures could not all be kept: into the store's queue (the sweep fans it out
 * again), else an error, so that Lambda invokes this function again (its retries for asynchronous
 * invocations, then the failure queue in serverless.yml). Under serverless-offline an error of an
 * asynchronous invocation ends the whole local stack, so there it is logged instead.
 */
const keep = async (job: WebhookJob, error: unknown) => {
  try {
    await queueJob({ clientId: job.client_id }, job);
    logger.warn('Webhook job kept in the store queue after a failure', { webhook_id: job.webhook_id, error });
    return { queued: true };
  } catch (queueError) {
    if (!config.isOffline) throw error;
    logger.error('Webhook job lost: neither delivered nor kept', { webhook_id: job.webhook_id, error, queueError });
    return { lost: true };
  }
};

/**
 * Invoked asynchronously by the functions that publish (lib/webhooks/enqueue.ts): one event's
 * first attempt at each subscribed endpoint; what fails is kept for the sweep.
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
    try {
      return await fanOut(defaultDeliveryDeps(), job.data);
    } catch (error) {
      return keep(job.data, error);
    }
  });
