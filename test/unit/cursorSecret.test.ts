import middy from '@middy/core';
import { HttpResponse, type HttpRequest } from '@smithy/core/protocols';
import type { Context } from 'aws-lambda';
import { Readable } from 'node:stream';
import { resolveCursorSecret } from '../../lib/config';
import { decodeCursor, encodeCursor } from '../../lib/paging/cursor';
import { cachedSecureParameter, fetchSecureParameter, type SsmTransport } from '../../lib/aws/ssmParameter';
import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';
import { withEnv } from '../support/env';
import { loopbackAws, resignedAuthorization } from '../support/loopbackAws';

const PARAMETER = '/chat-rooms/test/cursor-secret';
const SECRET = 'a-secret-from-parameter-store-0123456789abcdef';
const requests: HttpRequest[] = [];

const reply = (statusCode: number, body: unknown) => ({
  response: new HttpResponse({ statusCode, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) }),
});

/** SSM as the function reaches it, answered in-process: GetParameters knows one SecureString. */
const inProcessSsm = (): SsmTransport => ({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret', sessionToken: 'test-session' },
  handler: {
    handle: async (request: HttpRequest) => {
      requests.push(request);
      const { Names } = JSON.parse(String(request.body)) as { Names: string[] };
      return reply(200, {
        Parameters: Names.filter((name) => name === PARAMETER).map((Name) => ({ Name, Type: 'SecureString', Value: SECRET })),
        InvalidParameters: Names.filter((name) => name !== PARAMETER),
      });
    },
  } as SsmTransport['handler'],
});

/** inProcessSsm's region and credentials, answered by `handle`. */
const ssmAnswering = (handle: (request: HttpRequest) => Promise<ReturnType<typeof reply>>): SsmTransport => ({
  ...inProcessSsm(),
  handler: { handle } as unknown as SsmTransport['handler'],
});

/** inProcessSsm, counting the requests it answers in `calls`. */
const countingSsm = () => {
  const counted = { calls: 0, transport: inProcessSsm() };
  counted.transport = ssmAnswering(async (request) => {
    counted.calls += 1;
    return inProcessSsm().handler.handle(request) as Promise<ReturnType<typeof reply>>;
  });
  return counted;
};

const context = () => ({ getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

describe('the cursor secret from SSM Parameter Store', () => {
  it('is fetched once, decrypted, when first asked for; warm invocations within its maximum age make no SSM call', async () => {
    const handler = middy()
      .use(cursorSecretFromSsm({ parameterName: PARAMETER, transport: inProcessSsm }))
      .handler(async () => 'served');
    await expect(handler({}, context())).resolves.toBe('served');
    expect(requests).toEqual([]);
    for (let i = 0; i < 3; i++) await expect(resolveCursorSecret()).resolves.toBe(SECRET);
    await expect(handler({}, context())).resolves.toBe('served');
    expect(requests).toHaveLength(1);
    expect(JSON.parse(String(requests[0]!.body))).toEqual({ Names: [PARAMETER], WithDecryption: true });
  });

  it('is asked for with a GetParameters request signed (Signature V4) for SSM in the function\'s region', async () => {
    const before = requests.length;
    await expect(fetchSecureParameter(PARAMETER, inProcessSsm())).resolves.toBe(SECRET);
    const request = requests[before]!;
    expect(request).toMatchObject({ method: 'POST', protocol: 'https:', hostname: 'ssm.eu-west-1.amazonaws.com', path: '/' });
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameters',
      'x-amz-security-token': 'test-session',
    });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('reports what SSM refused (an error status) as a failure naming SSM\'s error type', async () => {
    const refusing = ssmAnswering(async () => reply(400, { __type: 'AccessDeniedException', message: 'not allowed' }));
    await expect(fetchSecureParameter(PARAMETER, refusing)).rejects.toThrow('SSM GetParameters answered 400 AccessDeniedException: not allowed');
  });

  it('keys the paging cursors: a cursor made with the development key no longer decodes', async () => {
    const scope = { tenant: '1', query: 'messages:x' };
    const cursor = (await encodeCursor(scope, { pk: 'T#1#ROOM#x', sk: 'MSG#1' }))!;
    await expect(decodeCursor(scope, cursor, () => true)).resolves.toEqual({ pk: 'T#1#ROOM#x', sk: 'MSG#1' });
    const { compactDecrypt } = await import('jose');
    const { createHash } = await import('node:crypto');
    const key = (secret: string) => new Uint8Array(createHash('sha256').update(`chat-rooms cursor v1\u0000${secret}`).digest());
    await expect(compactDecrypt(cursor, key(SECRET))).resolves.toBeDefined();
    await expect(compactDecrypt(cursor, key('local-development-only-cursor-secret-never-use-in-aws'))).rejects.toThrow();
  });

  it('fails the paging request, not silently, when the parameter does not exist, and asks again next time', async () => {
    const handler = middy()
      .use(cursorSecretFromSsm({ parameterName: '/chat-rooms/test/missing', transport: inProcessSsm }))
      .handler(async () => resolveCursorSecret());
    const before = requests.length;
    await expect(handler({}, context())).rejects.toThrow(/Failed to resolve/);
    await expect(handler({}, context())).rejects.toThrow(/Failed to resolve/);
    expect(requests.length - before).toBe(2);
  });

  it('is fetched again once its maximum age has passed, so a rotated secret takes effect without a redeploy', async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    let value = SECRET;
    const seen: string[] = [];
    const rotating = ssmAnswering(async (request) => {
      seen.push(String(request.body));
      return reply(200, { Parameters: [{ Name: PARAMETER, Type: 'SecureString', Value: value }], InvalidParameters: [] });
    });
    const handler = middy()
      .use(cursorSecretFromSsm({ parameterName: PARAMETER, maxAgeMs: 300_000, transport: () => rotating, now: () => now }))
      .handler(async () => resolveCursorSecret());
    await expect(handler({}, context())).resolves.toBe(SECRET);
    value = `${SECRET}-rotated`;
    now += 299_999;
    await expect(handler({}, context())).resolves.toBe(SECRET);
    expect(seen).toHaveLength(1);
    now += 1;
    await expect(handler({}, context())).resolves.toBe(`${SECRET}-rotated`);
    await expect(handler({}, context())).resolves.toBe(`${SECRET}-rotated`);
    expect(seen).toHaveLength(2);
  });

  it('takes its maximum age from CURSOR_SECRET_MAX_AGE_SECONDS (5 minutes when unset)', async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    const counting = countingSsm();
    const fetchesAfter = async (ms: number) => {
      const handler = middy()
        .use(cursorSecretFromSsm({ parameterName: PARAMETER, transport: () => counting.transport, now: () => now }))
        .handler(async () => resolveCursorSecret());
      counting.calls = 0;
      await handler({}, context());
      now += ms - 1;
      await handler({}, context());
      const before = counting.calls;
      now += 1;
      await handler({}, context());
      return [before, counting.calls];
    };
    await withEnv({ CURSOR_SECRET_MAX_AGE_SECONDS: '60' }, async () => expect(await fetchesAfter(60_000)).toEqual([1, 2]));
    await withEnv({ CURSOR_SECRET_MAX_AGE_SECONDS: undefined }, async () => expect(await fetchesAfter(300_000)).toEqual([1, 2]));
  });

  it('keeps the secret it holds while a refresh fails, and asks SSM again after a pause, not on every request', async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    let answer: 'ok' | 'denied' = 'ok';
    let calls = 0;
    const flaky = ssmAnswering(async () => {
      calls += 1;
      return answer === 'ok'
        ? reply(200, { Parameters: [{ Name: PARAMETER, Type: 'SecureString', Value: SECRET }], InvalidParameters: [] })
        : reply(400, { __type: 'AccessDeniedException', message: 'not allowed' });
    });
    const source = cachedSecureParameter({ name: PARAMETER, maxAgeMs: 300_000, retryAfterFailureMs: 30_000, transport: () => flaky, now: () => now });
    await expect(source()).resolves.toBe(SECRET);
    answer = 'denied';
    now += 300_000;
    await expect(source()).resolves.toBe(SECRET);
    expect(calls).toBe(2);
    now += 29_999;
    await expect(source()).resolves.toBe(SECRET);
    expect(calls).toBe(2);
    now += 1;
    answer = 'ok';
    await expect(source()).resolves.toBe(SECRET);
    expect(calls).toBe(3);
  });

  it('shares one fetch between concurrent first requests', async () => {
    const counting = countingSsm();
    const source = cachedSecureParameter({ name: PARAMETER, maxAgeMs: 300_000, transport: () => counting.transport });
    expect(new Set(await Promise.all(Array.from({ length: 5 }, () => source())))).toEqual(new Set([SECRET]));
    expect(counting.calls).toBe(1);
  });

  it('adds nothing where no parameter is named (local runs keep the development key)', () => {
    expect(cursorSecretFromSsm({ parameterName: '' })).toEqual([]);
  });
});

describe('the GetParameters request on the wire', () => {
  it('reaches AWS_ENDPOINT_URL_SSM with the function\'s credentials, and its signature checks out against the request as received', async () => {
    const { config } = await import('../../lib/config');
    const ssm = await loopbackAws(() => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Parameters: [{ Name: PARAMETER, Type: 'SecureString', Value: SECRET }], InvalidParameters: [] }),
    }));
    try {
      await withEnv({ AWS_ENDPOINT_URL_SSM: ssm.url }, () => expect(fetchSecureParameter(PARAMETER)).resolves.toBe(SECRET));
    } finally {
      await ssm.close();
    }

    expect(ssm.received).toHaveLength(1);
    const [sent] = ssm.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/' });
    expect(JSON.parse(sent!.body)).toEqual({ Names: [PARAMETER], WithDecryption: true });
    expect(sent!.headers['content-length']).toBe(String(Buffer.byteLength(sent!.body)));
    const authorization = String(sent!.headers.authorization);
    expect(/SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type']));
    expect(await resignedAuthorization(sent!, ssm.port, 'ssm')).toBe(authorization);
    expect(authorization).toContain(`/${config.region}/ssm/aws4_request`);
  });
  it('is tried again after SSM throttles it once, and served', async () => {
    const ssm = await loopbackAws((_, index) =>
      index === 0
        ? { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) }
        : { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Parameters: [{ Name: PARAMETER, Type: 'SecureString', Value: SECRET }], InvalidParameters: [] }) },
    );
    try {
      await withEnv({ AWS_ENDPOINT_URL_SSM: ssm.url, CURSOR_SECRET_PARAMETER: PARAMETER }, async () => {
        const handler = middy()
          .use(cursorSecretFromSsm())
          .handler(async () => {
            const scope = { tenant: '1', query: 'messages:throttled' };
            const cursor = (await encodeCursor(scope, { pk: 'T#1#ROOM#t', sk: 'MSG#1' }))!;
            return decodeCursor(scope, cursor, () => true);
          });
        await expect(handler({}, context())).resolves.toEqual({ pk: 'T#1#ROOM#t', sk: 'MSG#1' });
      });
    } finally {
      await ssm.close();
    }
    expect(ssm.received).toHaveLength(2);
    expect(ssm.received.map((request) => JSON.parse(request.body))).toEqual([
      { Names: [PARAMETER], WithDecryption: true },
      { Names: [PARAMETER], WithDecryption: true },
    ]);
  });

  it('gives up after three throttled attempts with an error the HTTP layer answers 503', async () => {
    const { toAppError } = await import('../../lib/http/httpErrors');
    const ssm = await loopbackAws(() => ({ status: 400, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) }));
    try {
      const failure = await withEnv({ AWS_ENDPOINT_URL_SSM: ssm.url }, () => fetchSecureParameter(PARAMETER).catch((error: unknown) => error));
      expect(failure).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      expect(toAppError(failure)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    } finally {
      await ssm.close();
    }
    expect(ssm.received).toHaveLength(3);
  });
});
