import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

export interface ClientOptions {
  endpoint?: string;
  region?: string;
}

/**
 * A DynamoDB document client. Against a local endpoint it uses fixed dummy credentials:
 * the default provider chain would otherwise probe the instance-metadata address.
 */
export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient => {
  const endpoint = options.endpoint ?? config.dynamodbEndpoint;
  const client = new DynamoDBClient({
    region: options.region ?? config.region,
    ...(endpoint && {
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
};

let shared: DynamoDBDocumentClient | undefined;

/** The container's one client, created on first use and kept warm between invocations. */
export const documentClient = (): DynamoDBDocumentClient => (shared ??= createDocumentClient());
