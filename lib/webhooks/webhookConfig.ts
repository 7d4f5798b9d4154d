/**
 * Where webhooks are handed over, from the environment (read on access, like lib/config.ts):
 * serverless.yml sets both on the functions that publish; `npm start` and the test stack point
 * the Lambda endpoint at serverless-offline.
 */
export const webhookConfig = {
  /** The delivery function, invoked asynchronously. Unset: jobs go straight to the store's queue. */
  get deliveryFunctionName() {
    return process.env.WEBHOOK_FUNCTION_NAME || undefined;
  },
  /** Where Lambda's Invoke API is reached instead of its regional endpoint (serverless-offline's port locally). */
  get lambdaEndpointUrl() {
    return process.env.AWS_ENDPOINT_URL_LAMBDA || process.env.AWS_ENDPOINT_URL || undefined;
  },
};
