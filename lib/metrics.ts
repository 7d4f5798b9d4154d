import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The one metrics instance (CloudWatch embedded metric format, written with the logs: no extra
 * API calls or IAM). Created at module load so it stays warm with the container. The local stack
 * sets POWERTOOLS_METRICS_DISABLED so `npm start` and the tests print no metric blobs.
 */
export const metrics = new Metrics({
  namespace: 'ChatRooms',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'chat-rooms',
  // Per function, so each function's 5xx has its own alarm (scripts/deploy/alarms.cjs).
  ...(process.env.AWS_LAMBDA_FUNCTION_NAME && { defaultDimensions: { function_name: process.env.AWS_LAMBDA_FUNCTION_NAME } }),
});
