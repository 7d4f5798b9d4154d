import { STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { documentClient, stsClient } from '../../lib/store/client';
import { roomKey } from '../../lib/store/keys';
import { tenantCredentialProvider, TENANT_SESSION_SECONDS } from '../../lib/store/tenantCredentials';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/chat-rooms-test-tenant-access';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * STS stubbed by an SDK middleware: the real client and command, answered before anything is
 * signed or sent. Each call gets fresh credentials named after the session's tenant tag, valid
 * for the duration asked, from `clock()`.
 */
const stubSts = (sts: STSClient, clock: () => number = Date.now) => {
  const calls: AssumeRoleCommandInput[] = [];
  sts.middlewareStack.add(
    () => async (args) => {
      const input = args.input as AssumeRoleCommandInput;
      calls.push(input);
      const tenant = input.Tags?.find((tag) => tag.Key === 'tenant')?.Value;
      return {
        output: {
          $metadata: {},
          Credentials: {
            AccessKeyId: `ASIA-TENANT-${tenant}-${calls.length}`,
            SecretAccessKey: `secret-${tenant}-${calls.length}`,
            SessionToken: `token-${tenant}-${calls.length}`,
            Expiration: new Date(clock() + input.DurationSeconds! * 1000),
          },
        },
        response: {},
      };
    },
    { step: 'initialize', name: 'stubSts' },
  );
  return calls;
};

describe('tenant credentials', () => {
  const newSts = () => new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'function-role', secretAccessKey: 'x' } });

  it('assume the tenant-access role with the tenant as session tag, for an hour', async () => {
    const sts = newSts();
    const calls = stubSts(sts);
    const credentials = await tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, sts })();
    expect(calls).toEqual([
      { RoleArn: ROLE_ARN, RoleSessionName: 'tenant-7', DurationSeconds: 3600, Tags: [{ Key: 'tenant', Value: '7' }] },
    ]);
    expect(credentials).toMatchObject({ accessKeyId: 'ASIA-TENANT-7-1', sessionToken: 'token-7-1' });
    expect(TENANT_SESSION_SECONDS).toBe(3600);
  });

  it('are reused while valid and renewed five minutes before they expire', async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    const clock = () => now;
    const sts = newSts();
    const calls = stubSts(sts, clock);
    const provider = tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, sts, now: clock });

    const first = await provider();
    now += 30 * MINUTE_MS;
    expect(await provider()).toBe(first);
    now += 24 * MINUTE_MS; // 6 minutes left
    expect(await provider()).toBe(first);
    expect(calls).toHaveLength(1);

    now += 2 * MINUTE_MS; // 4 minutes left: renewed
    const second = await provider();
    expect(second.accessKeyId).toBe('ASIA-TENANT-7-2');
    expect(second.expiration.getTime()).toBe(now + HOUR_MS);
    expect(await provider()).toBe(second);
    expect(calls).toHaveLength(2);
  });

  it('share one STS call between concurrent requests, and do not keep a failure', async () => {
    const sts = newSts();
    const calls = stubSts(sts);
    const provider = tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, sts });
    const all = await Promise.all(Array.from({ length: 10 }, () => provider()));
    expect(new Set(all).size).toBe(1);
    expect(calls).toHaveLength(1);

    const failing = newSts();
    let fail = true;
    failing.middlewareStack.add(
      (next) => async (args) => {
        if (fail) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'throttle' },
    );
    const failingCalls = stubSts(failing);
    const retrying = tenantCredentialProvider({ clientId: '8' }, { roleArn: ROLE_ARN, sts: failing });
    await expect(retrying()).rejects.toThrow('Rate exceeded');
    fail = false;
    expect((await retrying()).accessKeyId).toBe('ASIA-TENANT-8-1');
    expect(failingCalls).toHaveLength(1);
  });
});

describe('tenant clients where TENANT_ACCESS_ROLE_ARN is set', () => {
  beforeAll(() => {
    process.env.TENANT_ACCESS_ROLE_ARN = ROLE_ARN;
  });
  afterAll(() => {
    delete process.env.TENANT_ACCESS_ROLE_ARN;
  });

  it('sign each tenant\'s requests with that tenant\'s credentials, one STS call per tenant while warm', async () => {
    const calls = stubSts(stsClient());
    /** The access key each signed request went out with, per tenant client. */
    const signedWith: string[] = [];
    const recordSigner = (clientId: string) =>
      documentClient({ clientId }).middlewareStack.add(
        (next) => async (args) => {
          const authorization = String((args.request as { headers: Record<string, string> }).headers.authorization);
          signedWith.push(`${clientId}:${/Credential=([^/]+)\//.exec(authorization)?.[1]}`);
          return next(args);
        },
        { step: 'deserialize', name: 'recordSigner' },
      );
    recordSigner('1');
    recordSigner('2');

    const get = (clientId: string) =>
      documentClient({ clientId }).send(new GetCommand({ TableName: config.chatTable, Key: roomKey({ clientId }, 'none') }));
    for (let round = 0; round < 3; round++) {
      await get('1');
      await get('2');
    }

    expect(calls.map((call) => call.Tags)).toEqual([[{ Key: 'tenant', Value: '1' }], [{ Key: 'tenant', Value: '2' }]]);
    expect(calls.every((call) => call.RoleArn === ROLE_ARN && call.DurationSeconds === 3600)).toBe(true);
    expect(signedWith).toEqual(Array.from({ length: 3 }, () => ['1:ASIA-TENANT-1-1', '2:ASIA-TENANT-2-2']).flat());
  });
});
