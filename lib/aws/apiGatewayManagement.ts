import { retryingFaults } from './retries';
import { restJsonError, sendSigned, type AwsTransport, type SignedRequest } from './signedRequest';

/**
 * API Gateway's management API for one WebSocket stage: `{endpoint}/@connections/{id}`, signed for
 * `execute-api` (locally serverless-offline answers it on its WebSocket port, and the dummy
 * credentials sign it).
 */
export interface ManagementApi {
  transport: AwsTransport;
  /** `https://<api>.execute-api.<region>.amazonaws.com/<stage>`, or `http://127.0.0.1:<ws port>`. */
  endpoint: string;
}

/** The outcome of one push: delivered, or the connection no longer exists (it is to be forgotten). */
export type PushResult = 'sent' | 'gone';

/** The outcome of closing a connection: closed now, or it was gone already. */
export type DisconnectResult = 'closed' | 'gone';

/** API Gateway's error code for a status, where its answer names none. */
const codeOfStatus = (statusCode: number): string | undefined =>
  statusCode === 429 ? 'LimitExceededException' : statusCode === 403 ? 'ForbiddenException' : undefined;

/**
 * One call on a connection. Any 2xx is success (API Gateway answers a post 200 and a delete 204;
 * serverless-offline answers a post 204). A closed connection answers 410 (`GoneException`;
 * serverless-offline sends 410 with an empty body): 'gone'. Throttling, server errors and broken
 * connections are tried again as the SDK's client did; other failures throw, shaped as the SDK
 * shapes them (`serviceError`), so callers classify them with `isRetryableFault`.
 */
const onConnection = <Done extends string>(
  api: ManagementApi,
  connectionId: string,
  operation: string,
  request: Pick<SignedRequest, 'method' | 'headers' | 'body'>,
  done: Done,
): Promise<Done | 'gone'> =>
  retryingFaults(async () => {
    const response = await sendSigned(api.transport, {
      service: 'execute-api',
      endpoint: new URL(api.endpoint),
      path: `/@connections/${encodeURIComponent(connectionId)}`,
      ...request,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return done;
    if (response.statusCode === 410) return 'gone';
    throw restJsonError(`API Gateway ${operation}`, response, codeOfStatus);
  });

/** `PostToConnection`: push one text frame to one connection. */
export const postToConnection = (api: ManagementApi, connectionId: string, data: string): Promise<PushResult> =>
  onConnection(api, connectionId, 'PostToConnection', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: data }, 'sent');

/** `DeleteConnection`: close a connection from the server's side (its `$disconnect` route then runs). */
export const deleteConnection = (api: ManagementApi, connectionId: string): Promise<DisconnectResult> =>
  onConnection(api, connectionId, 'DeleteConnection', { method: 'DELETE' }, 'closed');
