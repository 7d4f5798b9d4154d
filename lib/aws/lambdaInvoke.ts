import { retryingFaults } from './retries';
import { regionalEndpoint, restJsonError, sendSigned, type AwsTransport } from './signedRequest';

export interface LambdaTransport extends AwsTransport {
  /** Lambda's URL; its regional endpoint when absent (serverless-offline's Lambda port locally). */
  endpoint?: URL;
}

/**
 * Lambda's `Invoke` with `InvocationType: Event` (one signed POST, lib/aws/signedRequest.ts):
 * Lambda queues the event durably and answers 202 before the function runs, so the caller waits
 * for the hand-over only. The function then runs with Lambda's own retries for asynchronous
 * invocations. Throttling, server errors and broken connections are tried again as every signed
 * call is; what still fails is thrown shaped as the SDK's errors.
 */
export const invokeAsync = (transport: LambdaTransport, functionName: string, payload: string): Promise<void> =>
  retryingFaults(async () => {
    const response = await sendSigned(transport, {
      service: 'lambda',
      endpoint: transport.endpoint ?? regionalEndpoint('lambda', transport.region),
      method: 'POST',
      path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' },
      body: payload,
    });
    if (response.statusCode === 202) return;
    throw restJsonError('Lambda Invoke', response, (statusCode) => (statusCode === 429 ? 'TooManyRequestsException' : undefined));
  });
