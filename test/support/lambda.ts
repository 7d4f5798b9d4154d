/** Invoke an HTTP function's real handler in-process, as API Gateway (payload 2.0) would. */
import type { Context } from 'aws-lambda';
import { signLocalToken } from '../../scripts/local/tokens';
import { assertHttpContract } from './contract';

export const lambdaContext = (functionName: string): Context =>
  ({
    functionName,
    awsRequestId: 'test',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

export interface LambdaRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  token: string;
}

export interface LambdaReply {
  status: number;
  headers: Record<string, string>;
  json: any;
}

type HttpHandler = (event: never, context: Context) => Promise<unknown>;

export const invokeHttp = async (handler: HttpHandler, request: LambdaRequest): Promise<LambdaReply> => {
  const event = {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: new URLSearchParams(request.query).toString(),
    isBase64Encoded: false,
    headers: {
      authorization: `Bearer ${request.token}`,
      ...(request.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(request.pathParameters && { pathParameters: request.pathParameters }),
    ...(request.query && { queryStringParameters: request.query }),
    requestContext: { http: { method: request.method, path: request.path } },
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  };
  const reply = (await handler(event as never, lambdaContext('test'))) as { statusCode: number; headers: Record<string, string>; body: string };
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  assertHttpContract({ method: request.method, path: request.path + query, status: reply.statusCode, headers: reply.headers, text: reply.body });
  return { status: reply.statusCode, headers: reply.headers, json: JSON.parse(reply.body) };
};

export const tokenOf = (clientId: string, actor: { role: string; userId: string }) => signLocalToken(clientId, actor.userId, actor.role);
