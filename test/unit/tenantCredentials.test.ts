import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { assumeRole, type AssumeRoleInput } from '../../lib/aws/sts';
import { config } from '../../lib/config';
import { documentClient, functionTransport } from '../../lib/store/client';
import { roomKey } from '../../lib/store/keys';
import { tenantCredentialProvider, TENANT_SESSION_SECONDS } from '../../lib/store/tenantCredentials';
import { withEnv } from '../support/env';
import { loopbackAws, resignedAuthorization, type ReceivedRequest } from '../support/loopbackAws';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/chat-rooms-test-tenant-access';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** STS's answer to AssumeRole as the Query protocol gives it: XML, with credentials named after the call. */
const assumeRoleXml = (call: number, tenant: string, expiration: Date) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA:tenant-${tenant}</AssumedRoleId><Arn>${ROLE_ARN}/tenant-${tenant}</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIA-TENANT-${tenant}-${call}</AccessKeyId>
      <SecretAccessKey>secret/${tenant}+${call}&amp;</SecretAccessKey>
      <SessionToken>token-${tenant}-${call}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

const formOf = (request: ReceivedRequest) => Object.fromEntries(new URLSearchParams(request.body));

/** STS on a loopback port: AssumeRole answered for the session's tenant tag, valid for the duration asked. */
const loopbackSts = (clock: () => number = Date.now) =>
  loopbackAws((request, index) => {
    const form = formOf(request);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: assumeRoleXml(index + 1, form['Tags.member.1.Value']!, new Date(clock() + Number(form.DurationSeconds) * 1000)),
    };
  });

describe('AssumeRole on the wire', () => {
  it('is a form POST signed for STS with the function\'s credentials, its XML answer read into credentials', async () => {
    const sts = await loopbackSts();
    try {
      const input: AssumeRoleInput = { roleArn: ROLE_ARN, sessionName: 'tenant-7', durationSeconds: 3600, tags: { tenant: '7' } };
      const credentials = await assumeRole(input, functionTransport(), new URL(sts.url));
      expect(credentials).toEqual({
        accessKeyId: 'ASIA-TENANT-7-1',
        secretAccessKey: 'secret/7+1&',
        sessionToken: 'token-7-1',
        expiration: expect.any(Date),
      });
      const [sent] = sts.received;
      expect(sent).toMatchObject({ method: 'POST', url: '/' });
      expect(sent!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
      expect(formOf(sent!)).toEqual({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'tenant-7',
        DurationSeconds: '3600',
        'Tags.member.1.Key': 'tenant',
        'Tags.member.1.Value': '7',
      });
      expect(await resignedAuthorization(sent!, sts.port, 'sts')).toBe(sent!.headers.authorization);
      expect(sent!.headers.authorization).toContain(`/${config.region}/sts/aws4_request`);
    } finally {
      await sts.close();
    }
  });

  it('tries throttling again, three attempts in all, then throws it with STS\'s error code as name and the status', async () => {
    const sts = await loopbackAws(() => ({
      status: 400,
      headers: { 'content-type': 'text/xml' },
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>',
    }));
    const broken = await loopbackAws(() => ({ status: 200, body: '<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>' }));
    try {
      const input: AssumeRoleInput = { roleArn: ROLE_ARN, sessionName: 'tenant-7', durationSeconds: 3600, tags: { tenant: '7' } };
      await expect(assumeRole(input, functionTransport(), new URL(sts.url))).rejects.toMatchObject({
        name: 'Throttling',
        message: 'STS AssumeRole answered 400 Throttling: Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      });
      expect(sts.received).toHaveLength(3);
      await expect(assumeRole(input, functionTransport(), new URL(broken.url))).rejects.toThrow('answered no credentials');
    } finally {
      await Promise.all([sts.close(), broken.close()]);
    }
  });
  it('gets through when STS throttles one attempt', async () => {
    const sts = await loopbackAws((request, index) =>
      index === 0
        ? { status: 400, body: '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>' }
        : { status: 200, body: assumeRoleXml(index + 1, '7', new Date(Date.now() + HOUR_MS)) },
    );
    try {
      const input: AssumeRoleInput = { roleArn: ROLE_ARN, sessionName: 'tenant-7', durationSeconds: 3600, tags: { tenant: '7' } };
      await expect(assumeRole(input, functionTransport(), new URL(sts.url))).resolves.toMatchObject({ accessKeyId: 'ASIA-TENANT-7-2' });
      expect(sts.received).toHaveLength(2);
    } finally {
      await sts.close();
    }
  });
});

describe('tenant credentials', () => {
  /** AssumeRole answered in-process: fresh credentials per call, valid for the duration asked from `clock()`. */
  const inProcessSts = (clock: () => number = Date.now) => {
    const calls: AssumeRoleInput[] = [];
    const assume = async (input: AssumeRoleInput) => {
      calls.push(input);
      const n = calls.length;
      return {
        accessKeyId: `ASIA-TENANT-${input.tags.tenant}-${n}`,
        secretAccessKey: `secret-${n}`,
        sessionToken: `token-${input.tags.tenant}-${n}`,
        expiration: new Date(clock() + input.durationSeconds * 1000),
      };
    };
    return { calls, assume };
  };

  it('assume the tenant-access role with the tenant as session tag, for an hour', async () => {
    const sts = inProcessSts();
    const credentials = await tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, assumeRole: sts.assume })();
    expect(sts.calls).toEqual([{ roleArn: ROLE_ARN, sessionName: 'tenant-7', durationSeconds: 3600, tags: { tenant: '7' } }]);
    expect(credentials).toMatchObject({ accessKeyId: 'ASIA-TENANT-7-1', sessionToken: 'token-7-1' });
    expect(TENANT_SESSION_SECONDS).toBe(3600);
  });

  it('are reused while valid and renewed five minutes before they expire', async () => {
    let now = Date.UTC(2026, 10, 25, 12);
    const clock = () => now;
    const sts = inProcessSts(clock);
    const provider = tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, assumeRole: sts.assume, now: clock });

    const first = await provider();
    now += 30 * MINUTE_MS;
    expect(await provider()).toBe(first);
    now += 24 * MINUTE_MS; // 6 minutes left
    expect(await provider()).toBe(first);
    expect(sts.calls).toHaveLength(1);

    now += 2 * MINUTE_MS; // 4 minutes left: renewed
    const second = await provider();
    expect(second.accessKeyId).toBe('ASIA-TENANT-7-2');
    expect(second.expiration.getTime()).toBe(now + HOUR_MS);
    expect(await provider()).toBe(second);
    expect(sts.calls).toHaveLength(2);
  });

  it('share one STS call between concurrent requests, and do not keep a failure', async () => {
    const sts = inProcessSts();
    const provider = tenantCredentialProvider({ clientId: '7' }, { roleArn: ROLE_ARN, assumeRole: sts.assume });
    const all = await Promise.all(Array.from({ length: 10 }, () => provider()));
    expect(new Set(all).size).toBe(1);
    expect(sts.calls).toHaveLength(1);

    let fail = true;
    const failing = inProcessSts();
    const retrying = tenantCredentialProvider(
      { clientId: '8' },
      { roleArn: ROLE_ARN, assumeRole: (input) => (fail ? Promise.reject(new Error('Rate exceeded')) : failing.assume(input)) },
    );
    await expect(retrying()).rejects.toThrow('Rate exceeded');
    fail = false;
    expect((await retrying()).accessKeyId).toBe('ASIA-TENANT-8-1');
    expect(failing.calls).toHaveLength(1);
  });
});

describe('tenant clients where TENANT_ACCESS_ROLE_ARN is set', () => {
  it('sign each tenant\'s requests with that tenant\'s credentials, one STS call per tenant while warm', async () => {
    const sts = await loopbackSts();
    /** The access key each signed request went out with, per tenant client. */
    const signedWith: string[] = [];
    try {
      await withEnv({ TENANT_ACCESS_ROLE_ARN: ROLE_ARN, AWS_ENDPOINT_URL_STS: sts.url }, async () => {
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
      });
    } finally {
      await sts.close();
    }
    const calls = sts.received.map(formOf);
    expect(calls.map((call) => call['Tags.member.1.Value'])).toEqual(['1', '2']);
    expect(calls.every((call) => call.RoleArn === ROLE_ARN && call.DurationSeconds === '3600' && call['Tags.member.1.Key'] === 'tenant')).toBe(true);
    expect(signedWith).toEqual(Array.from({ length: 3 }, () => ['1:ASIA-TENANT-1-1', '2:ASIA-TENANT-2-2']).flat());
  });
});
