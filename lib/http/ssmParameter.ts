import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest, type HttpHandler } from '@smithy/core/protocols';
import { streamCollector } from '@smithy/core/serde';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';
import { config } from '../config';
import { registryClient } from '../store/client';

/**
 * What a GetParameters call needs: the region, credentials and a connection handler. By default
 * the function's own, borrowed from the registry's DynamoDB client: the same credentials (the
 * function's role), the same warm connection pool and timeouts.
 */
export interface SsmTransport {
  region: string;
  credentials: SignatureV4Init['credentials'];
  handler: HttpHandler;
  /** SSM's URL; its regional endpoint when absent. */
  endpoint?: URL;
}

const functionTransport = (): SsmTransport => {
  const { config: client } = registryClient();
  const endpoint = config.ssmEndpointUrl;
  return {
    region: config.region,
    credentials: client.credentials,
    handler: client.requestHandler as HttpHandler,
    ...(endpoint && { endpoint: new URL(endpoint) }),
  };
};

/** Where SSM answers in a region (its commercial, China and GovCloud partitions). */
const regionalEndpoint = (region: string): URL => new URL(`https://ssm.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);

interface GetParametersOutput {
  Parameters?: Array<{ Name?: string; Value?: string }>;
  __type?: string;
  message?: string;
}

/**
 * One SecureString from SSM Parameter Store, decrypted: SSM's `GetParameters` (the AWS JSON 1.1
 * protocol: one signed POST), signed with Signature V4 by the signer every SDK client uses.
 *
 * Why not `@aws-sdk/client-ssm`: bundled, it registers every SSM error shape as it loads, 80 KB
 * that each cold start of a paging function would parse and run for one call per container, 0.18
 * of its load time over the DynamoDB-only bundle (BENCHMARKS.md, cold start). The signer, the
 * hash, the credentials and the HTTP handler are the DynamoDB client's, already loaded.
 */
export const fetchSecureParameter = async (name: string, transport: SsmTransport = functionTransport()): Promise<string> => {
  const endpoint = transport.endpoint ?? regionalEndpoint(transport.region);
  const body = JSON.stringify({ Names: [name], WithDecryption: true });
  const request = new HttpRequest({
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port && { port: Number(endpoint.port) }),
    method: 'POST',
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': 'AmazonSSM.GetParameters',
    },
    body,
  });
  const signer = new SignatureV4({ service: 'ssm', region: transport.region, credentials: transport.credentials, sha256: Sha256 });
  const { response } = await transport.handler.handle((await signer.sign(request)) as HttpRequest);
  const text = Buffer.from(await streamCollector(response.body)).toString('utf8');
  let output: GetParametersOutput;
  try {
    output = JSON.parse(text) as GetParametersOutput;
  } catch {
    throw new Error(`SSM GetParameters answered ${response.statusCode} without JSON`);
  }
  if (response.statusCode !== 200) {
    throw new Error(`SSM GetParameters answered ${response.statusCode} ${output.__type ?? ''}: ${output.message ?? ''}`.trim());
  }
  const value = output.Parameters?.find((parameter) => parameter.Name === name)?.Value;
  if (value === undefined) throw new Error(`Failed to resolve SSM parameter ${name}`);
  return value;
};
