import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { config } from '../../lib/config';
import { registryClient } from '../../lib/store/client';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface LoopbackAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * An AWS API as the functions reach it through an `AWS_ENDPOINT_URL_*` variable: an HTTP server on a
 * free loopback port that records every request and answers it with `answer`.
 */
export const loopbackAws = async (answer: (request: ReceivedRequest, index: number) => LoopbackAnswer) => {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(recorded);
      const { status, headers = {}, body = '' } = answer(recorded, received.length - 1);
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * The request as the server received it, signed again with the function's credentials, at the
 * time and over the headers its own signature names: equal authorizations mean the signature
 * holds for `service` in the function's region.
 */
export const resignedAuthorization = async (received: ReceivedRequest, port: number, service: string): Promise<string | undefined> => {
  const authorization = String(received.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const asReceived = new HttpRequest({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    method: received.method,
    path: received.url,
    headers: Object.fromEntries(signedHeaders.map((name) => [name, String(received.headers[name])])),
    body: received.body,
  });
  const amzDate = String(received.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const credentials = await registryClient().config.credentials();
  const resigned = await new SignatureV4({ service, region: config.region, credentials, sha256: Sha256 }).sign(asReceived, { signingDate });
  return resigned.headers.authorization;
};
