/**
 * The store client's own limits, against a loopback server that accepts connections and never
 * answers: each attempt is cut off by the request timeout, the SDK retries a stated number of
 * times, and the error is one the HTTP layer answers with 503.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, STORE_MAX_ATTEMPTS } from '../../lib/store/client';
import { isStoreUnavailable } from '../../lib/store/faults';
import { withEnv } from '../support/env';

let server: Server;
let endpoint: string;
const sockets: Socket[] = [];
let requests = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => {
      if (chunk.toString('latin1').startsWith('POST ')) requests++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

it('gives up on a store that never answers after its attempts, each cut off by the request timeout', async () => {
  await withEnv({ STORE_REQUEST_TIMEOUT_MS: '300' }, async () => {
    const client = createDocumentClient({ endpoint });
    const error = await client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } })).catch((caught: unknown) => caught);

    expect(isStoreUnavailable(error)).toBe(true);
    expect((error as Error).name).toBe('TimeoutError');
    expect(requests).toBe(STORE_MAX_ATTEMPTS);
    client.destroy();
  });
});
