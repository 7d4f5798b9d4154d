import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The one metrics instance (CloudWatch embedded metric format, written with the logs: no extra
 * API calls or IAM). Created at module load so it stays warm with the container. The local stack
 * sets POWERTOOLS_METRICS_DISABLED so `npm start` and the tests print no metric blobs.
 */
export const metrics = new Metrics({
  namespace: 'ChatRooms',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'chat-rooms',
});
