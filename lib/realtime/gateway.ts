import { retryingFaults } from '../aws/retries';
import { sendSigned, serviceError } from '../aws/signedRequest';
import { functionTransport } from '../store/client';

/** The outcome of one push: delivered, or the connection no longer exists (it is to be forgotten). */
export type PushResult = 'sent' | 'gone';

/** API Gateway's error code: the `x-amzn-errortype` header, or the status's usual one. */
const errorCode = (statusCode: number, headers: Record<string, string>): string =>
  headers['x-amzn-errortype']?.split(':')[0] || (statusCode === 429 ? 'LimitExceededException' : statusCode === 403 ? 'ForbiddenException' : `Http${statusCode}`);

const errorMessage = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { message?: string }).message;
  } catch {
    return body || undefined;
  }
};

/**
 * Push one text frame to one connection: API Gateway's management API, `POST
 * {endpoint}/@connections/{id}`, signed for `execute-api` with the function's role (locally,
 * serverless-offline answers it on its WebSocket port, and the registry client's dummy credentials
 * sign it). A closed connection answers 410 (`GoneException`; serverless-offline sends 410 with an
 * empty body): 'gone'. Throttling, server errors and broken connections are tried again as the
 * SDK's client did; other failures throw (the publisher logs them).
 */
export const pushToConnection = (endpoint: string, connectionId: string, data: string): Promise<PushResult> =>
  retryingFaults(async () => {
    const { statusCode, headers, body } = await sendSigned(functionTransport(), {
      service: 'execute-api',
      endpoint: new URL(endpoint),
      method: 'POST',
      path: `/@connections/${encodeURIComponent(connectionId)}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    if (statusCode === 200) return 'sent';
    if (statusCode === 410) return 'gone';
    throw serviceError('API Gateway PostToConnection', statusCode, errorCode(statusCode, headers), errorMessage(body));
  });
