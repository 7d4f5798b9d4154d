import { retryingFaults } from './retries';
import { regionalEndpoint, sendSigned, serviceError, type AwsTransport } from './signedRequest';

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  /** Session tags: the role's policies read them as `aws:PrincipalTag/<key>`. */
  tags: Record<string, string>;
}

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of the first `<name>` element in `xml`, its five predefined entities unescaped. */
const element = (xml: string, name: string): string | undefined => {
  const text = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return text?.replace(/&(amp|lt|gt|quot|apos);/g, (_, entity: string) => XML_ENTITIES[entity]!);
};

/**
 * STS `AssumeRole` (the AWS Query protocol: a signed form POST answered in XML), from the
 * function's own role. Throttling and server errors are tried again as the SDK's STS client did;
 * what still fails is thrown with STS's error code as `name` and the status in `$metadata`
 * (`serviceError`), which the store's fault mapping answers 503 like a throttled DynamoDB.
 */
export const assumeRole = async (input: AssumeRoleInput, transport: AwsTransport, endpoint?: URL): Promise<SessionCredentials> => {
  const form = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: input.roleArn,
    RoleSessionName: input.sessionName,
    DurationSeconds: String(input.durationSeconds),
  });
  Object.entries(input.tags).forEach(([key, value], index) => {
    form.append(`Tags.member.${index + 1}.Key`, key);
    form.append(`Tags.member.${index + 1}.Value`, value);
  });
  const body = await retryingFaults(async () => {
    const answer = await sendSigned(transport, {
      service: 'sts',
      endpoint: endpoint ?? regionalEndpoint('sts', transport.region),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form.toString(),
    });
    if (answer.statusCode !== 200) throw serviceError('STS AssumeRole', answer.statusCode, element(answer.body, 'Code'), element(answer.body, 'Message'));
    return answer.body;
  });
  const credentials = /<Credentials>([\s\S]*?)<\/Credentials>/.exec(body)?.[1] ?? '';
  const accessKeyId = element(credentials, 'AccessKeyId');
  const secretAccessKey = element(credentials, 'SecretAccessKey');
  const sessionToken = element(credentials, 'SessionToken');
  const expiration = new Date(element(credentials, 'Expiration') ?? NaN);
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime())) {
    throw new Error(`STS AssumeRole of ${input.roleArn} answered no credentials`);
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
};
