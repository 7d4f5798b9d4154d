import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { resolveCursorSecret } from '../../lib/config';
import { decodeCursor, encodeCursor } from '../../lib/paging/cursor';
import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';

const PARAMETER = '/chat-rooms/test/cursor-secret';
const SECRET = 'a-secret-from-parameter-store-0123456789abcdef';
const calls: any[] = [];

/** An SSM client whose requests never leave the process: an SDK middleware answers them. */
class StubbedSsm extends SSMClient {
  constructor(options: SSMClientConfig) {
    super({ ...options, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    this.middlewareStack.add(
      () => async (args: any) => {
        calls.push(args.input);
        const names: string[] = args.input.Names;
        return {
          output: {
            Parameters: names.filter((name) => name === PARAMETER).map((Name) => ({ Name, Type: 'SecureString', Value: SECRET })),
            InvalidParameters: names.filter((name) => name !== PARAMETER),
            $metadata: {},
          },
          response: {},
        };
      },
      { step: 'initialize', name: 'answerInProcess' },
    );
  }
}

const context = () => ({ getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

describe('the cursor secret from SSM Parameter Store', () => {
  it('is fetched once, decrypted, when first asked for; warm invocations make no SSM call', async () => {
    const handler = middy()
      .use(cursorSecretFromSsm({ parameterName: PARAMETER, AwsClient: StubbedSsm }))
      .handler(async () => 'served');
    await expect(handler({}, context())).resolves.toBe('served');
    expect(calls).toEqual([]);
    for (let i = 0; i < 3; i++) await expect(resolveCursorSecret()).resolves.toBe(SECRET);
    await expect(handler({}, context())).resolves.toBe('served');
    expect(calls).toEqual([{ Names: [PARAMETER], WithDecryption: true }]);
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
      .use(cursorSecretFromSsm({ parameterName: '/chat-rooms/test/missing', AwsClient: StubbedSsm }))
      .handler(async () => resolveCursorSecret());
    const before = calls.length;
    await expect(handler({}, context())).rejects.toThrow(/Failed to resolve/);
    await expect(handler({}, context())).rejects.toThrow(/Failed to resolve/);
    expect(calls.length - before).toBe(2);
  });

  it('adds nothing where no parameter is named (local runs keep the development key)', () => {
    expect(cursorSecretFromSsm({ parameterName: '' })).toEqual([]);
  });
});
