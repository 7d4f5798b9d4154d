import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { toAppError } from '../../lib/http/httpErrors';
import { documentClient, registryClient } from '../../lib/store/client';
import { roomKey } from '../../lib/store/keys';
import { tenantCredentialProvider, TENANT_SESSION_SECONDS } from '../../lib/store/tenantCredentials';
import { withEnv } from '../support/env';
import { loopbackAws, resignedAuthorization, type LoopbackAnswer, type ReceivedRequest } from '../support/loopbackAws';

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

const stsError = (status: number, code: string, message: string): LoopbackAnswer => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
});

const formOf = (request: ReceivedRequest) => Object.fromEntries(new URLSearchParams(request.body));

/** AssumeRole answered for the session's tenant tag, valid for the duration asked from `Date.now()`. */
const granted = (request: ReceivedRequest, index: number): LoopbackAnswer => {
  const form = formOf(request);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: assumeRoleXml(index + 1, form['Tags.member.1.Value']!, new Date(Date.now() + Number(form.DurationSeconds) * 1000)),
  };
};

/** STS on a loopback port: `answer` for each AssumeRole, `granted` by default. */
const loopbackSts = (answer: (request: ReceivedRequest, index: number) => LoopbackAnswer = granted) => loopbackAws(answer);

/** The tenant's provider as the store client builds it, reaching STS at `url` with the function's credentials. */
const providerFor = (clientId: string, url: string) =>
  tenantCredentialProvider(
    { clientId },
    { roleArn: ROLE_ARN, sts: { region: config.region, credentials: registryClient().config.credentials, requestHandler: registryClient().config.requestHandler, endpoint: url } },
  );

describe('the tenant role\'s credentials from the SDK\'s provider', () => {
  it('are asked for with AssumeRole: the tenant as session tag, for an hour, signed for STS with the function\'s credentials', async () => {
    const sts = await loopbackSts();
    try {
      const credentials = await providerFor('7', sts.url)();
      expect(credentials).toMatchObject({ accessKeyId: 'ASIA-TENANT-7-1', secretAccessKey: 'secret/7+1&', sessionToken: 'token-7-1', expiration: expect.any(Date) });
      expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now() + HOUR_MS - MINUTE_MS);
      const [sent] = sts.received;
      expect(sent).toMatchObject({ method: 'POST', url: '/' });
      expect(formOf(sent!)).toEqual({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'tenant-7',
        DurationSeconds: String(TENANT_SESSION_SECONDS),
        'Tags.member.1.Key': 'tenant',
        'Tags.member.1.Value': '7',
      });
      expect(TENANT_SESSION_SECONDS).toBe(3600);
      expect(await resignedAuthorization(sent!, sts.port, 'sts')).toBe(sent!.headers.authorization);
      expect(sent!.headers.authorization).toContain(`/${config.region}/sts/aws4_request`);
    } finally {
      await sts.close();
    }
  });

  it('get through when STS throttles one attempt', async () => {
    const sts = await loopbackSts((request, index) => (index === 0 ? stsError(400, 'Throttling', 'Rate exceeded') : granted(request, index)));
    try {
      await expect(providerFor('7', sts.url)()).resolves.toMatchObject({ accessKeyId: 'ASIA-TENANT-7-2' });
      expect(sts.received).toHaveLength(2);
    } finally {
      await sts.close();
    }
  });

  it('try throttling three times in all, then throw it as the SDK does: STS\'s code as name, the status in $metadata', async () => {
    const sts = await loopbackSts(() => stsError(400, 'Throttling', 'Rate exceeded'));
    try {
      await expect(providerFor('7', sts.url)()).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      expect(sts.received).toHaveLength(3);
    } finally {
      await sts.close();
    }
  });
});

describe('tenant clients where TENANT_ACCESS_ROLE_ARN is set', () => {
  /** The access key each signed store request went out with, per tenant client. */
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
  const get = (clientId: string) => documentClient({ clientId }).send(new GetCommand({ TableName: config.chatTable, Key: roomKey({ clientId }, 'none') }));
  /** `run` with tenant clients made for the role, reaching STS at `url`. Each test uses tenants of its own: clients are kept per tenant. */
  const withRole = (url: string, run: () => Promise<void>) => withEnv({ TENANT_ACCESS_ROLE_ARN: ROLE_ARN, AWS_ENDPOINT_URL_STS: url }, run);
  beforeEach(() => {
    signedWith.length = 0;
  });
  afterEach(() => jest.restoreAllMocks());

  it('sign each tenant\'s requests with that tenant\'s credentials, one STS call per tenant while warm', async () => {
    const sts = await loopbackSts();
    try {
      await withRole(sts.url, async () => {
        recordSigner('1');
        recordSigner('2');
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

  it('share one STS call between concurrent first requests', async () => {
    const sts = await loopbackSts();
    try {
      await withRole(sts.url, async () => {
        await Promise.all(Array.from({ length: 8 }, () => get('3')));
      });
    } finally {
      await sts.close();
    }
    expect(sts.received).toHaveLength(1);
  });

  it('are renewed within five minutes of their expiry, and not before', async () => {
    const sts = await loopbackSts();
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    try {
      await withRole(sts.url, async () => {
        recordSigner('4');
        await get('4');
        clock.mockReturnValue(start + 54 * MINUTE_MS); // 6 minutes left
        await get('4');
        clock.mockReturnValue(start + 56 * MINUTE_MS); // 4 minutes left: renewed
        await get('4');
        await get('4');
      });
    } finally {
      await sts.close();
    }
    expect(sts.received).toHaveLength(2);
    expect(signedWith).toEqual(['4:ASIA-TENANT-4-1', '4:ASIA-TENANT-4-1', '4:ASIA-TENANT-4-2', '4:ASIA-TENANT-4-2']);
  });

  it('answer a throttled STS as the store\'s 503 with Retry-After, keep no failure, and get through once STS does', async () => {
    let throttling = true;
    const sts = await loopbackSts((request, index) => (throttling ? stsError(400, 'Throttling', 'Rate exceeded') : granted(request, index)));
    try {
      await withRole(sts.url, async () => {
        const failure = await get('5').then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toMatchObject({ name: 'Throttling' });
        const answered = toAppError(failure);
        expect(answered).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 1 });
        const calls = sts.received.length;
        expect(calls).toBeGreaterThanOrEqual(3);

        throttling = false;
        await expect(get('5')).resolves.toBeDefined();
        expect(sts.received.length).toBe(calls + 1);
      });
    } finally {
      await sts.close();
    }
  });

  it('answer an STS refusal that is not a fault (AccessDenied, a misconfigured role) as our 500', async () => {
    const sts = await loopbackSts(() => stsError(403, 'AccessDenied', 'not authorized to perform sts:AssumeRole'));
    try {
      await withRole(sts.url, async () => {
        const failure = await get('6').then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toMatchObject({ name: 'AccessDenied' });
        expect(toAppError(failure)).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
      });
    } finally {
      await sts.close();
    }
    expect(sts.received).toHaveLength(1);
  });
});
