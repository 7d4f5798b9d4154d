import { regionalEndpoint, sendSigned, serviceError, type AwsTransport } from '../aws/signedRequest';
import { config } from '../config';
import { functionTransport } from '../store/client';

/** How GetParameters is signed and sent: the function's own transport unless given another, and SSM's URL. */
export interface SsmTransport extends AwsTransport {
  /** SSM's URL; its regional endpoint when absent. */
  endpoint?: URL;
}

const ssmOfFunction = (): SsmTransport => {
  const endpoint = config.ssmEndpointUrl;
  return { ...functionTransport(), ...(endpoint && { endpoint: new URL(endpoint) }) };
};

interface GetParametersOutput {
  Parameters?: Array<{ Name?: string; Value?: string }>;
  __type?: string;
  message?: string;
}

/**
 * One SecureString from SSM Parameter Store, decrypted: SSM's `GetParameters` (the AWS JSON 1.1
 * protocol: one signed POST, lib/aws/signedRequest.ts). Bundled, `@aws-sdk/client-ssm` registers
 * every SSM error shape as it loads, 80 KB that each cold start of a paging function would parse
 * and run for one call per container (BENCHMARKS.md, cold start).
 */
export const fetchSecureParameter = async (name: string, transport: SsmTransport = ssmOfFunction()): Promise<string> => {
  const { statusCode, body } = await sendSigned(transport, {
    service: 'ssm',
    endpoint: transport.endpoint ?? regionalEndpoint('ssm', transport.region),
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameters' },
    body: JSON.stringify({ Names: [name], WithDecryption: true }),
  });
  let output: GetParametersOutput;
  try {
    output = JSON.parse(body) as GetParametersOutput;
  } catch {
    throw new Error(`SSM GetParameters answered ${statusCode} without JSON`);
  }
  if (statusCode !== 200) throw serviceError('SSM GetParameters', statusCode, output.__type, output.message);
  const value = output.Parameters?.find((parameter) => parameter.Name === name)?.Value;
  if (value === undefined) throw new Error(`Failed to resolve SSM parameter ${name}`);
  return value;
};
