import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * One SecureString from SSM Parameter Store, decrypted. Its own module so that callers can import
 * it on first use: bundled, only what this file names of the SSM client is kept.
 */
export const fetchSecureParameter = async (name: string, AwsClient: typeof SSMClient = SSMClient): Promise<string> => {
  const { Parameters = [] } = await new AwsClient({}).send(new GetParametersCommand({ Names: [name], WithDecryption: true }));
  const value = Parameters.find((parameter) => parameter.Name === name)?.Value;
  if (value === undefined) throw new Error(`Failed to resolve SSM parameter ${name}`);
  return value;
};
