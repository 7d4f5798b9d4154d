import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest, type HttpHandler } from '@smithy/core/protocols';
import { streamCollector } from '@smithy/core/serde';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';

/**
 * One request to an AWS service API, signed with Signature V4 by the signer every SDK client uses
 * and sent by the DynamoDB client's connection handler.
 *
 * Why not the services' SDK clients: each bundled client registers its operations' schemas and
 * errors and builds its endpoint rules as it loads. The functions make one or two kinds of call to
 * SSM, STS and API Gateway's management API, and those clients added about 0.1 to every HTTP
 * function's cold start over the DynamoDB-only bundle (BENCHMARKS.md, cold start). The signer,
 * SHA-256, the credentials and the connection handler are the DynamoDB client's, loaded already.
 */

/** What signs and sends: a region, credentials and a connection handler. */
export interface AwsTransport {
  region: string;
  credentials: SignatureV4Init['credentials'];
  handler: HttpHandler;
}

/** Where a service answers in a region: its commercial, China and GovCloud partitions. */
export const regionalEndpoint = (service: string, region: string): URL =>
  new URL(`https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);

export interface SignedRequest {
  /** The signing name: `ssm`, `sts`, `execute-api`, … */
  service: string;
  /** The service's URL; a path on it (an API stage) prefixes `path`. */
  endpoint: URL;
  method: 'GET' | 'POST' | 'DELETE';
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SignedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const sendSigned = async (transport: AwsTransport, { service, endpoint, method, path = '', headers = {}, body }: SignedRequest): Promise<SignedResponse> => {
  const request = new HttpRequest({
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port && { port: Number(endpoint.port) }),
    method,
    path: `${endpoint.pathname.replace(/\/$/, '')}${path}` || '/',
    headers: {
      host: endpoint.host,
      ...headers,
      ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
    },
    ...(body !== undefined && { body }),
  });
  const signer = new SignatureV4({ service, region: transport.region, credentials: transport.credentials, sha256: Sha256 });
  const { response } = await transport.handler.handle((await signer.sign(request)) as HttpRequest);
  const text = response.body ? Buffer.from(await streamCollector(response.body)).toString('utf8') : '';
  return { statusCode: response.statusCode, headers: response.headers, body: text };
};

/**
 * A service's refusal, shaped as the SDK shapes one: the error's `name` is the service's error
 * code and `$metadata.httpStatusCode` its status, so `isRetryableFault` (and the store's fault
 * mapping, when STS fails a store request through its credentials) reads it as an SDK error.
 */
export const serviceError = (service: string, statusCode: number, code: string | undefined, message: string | undefined): Error =>
  Object.assign(new Error(`${service} answered ${statusCode}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`), {
    name: code ?? 'UnknownError',
    $metadata: { httpStatusCode: statusCode },
  });


const messageOf = (body: string): string | undefined => {
  try {
    const parsed = JSON.parse(body) as { message?: string; Message?: string };
    return parsed.message ?? parsed.Message;
  } catch {
    return body || undefined;
  }
};

/**
 * The refusal of a REST-JSON service (Lambda, API Gateway's management API) as `serviceError`:
 * its code from the `x-amzn-errortype` header (what precedes any `:`), else the code the service
 * gives that status, else `Http<status>`; its message from the JSON body, else the body itself.
 */
export const restJsonError = (
  service: string,
  { statusCode, headers, body }: SignedResponse,
  codeOfStatus: (statusCode: number) => string | undefined,
): Error =>
  serviceError(service, statusCode, headers['x-amzn-errortype']?.split(':')[0] || codeOfStatus(statusCode) || `Http${statusCode}`, messageOf(body));
