import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from '../config';

/** The outcome of one push: delivered, or the connection no longer exists (it is to be forgotten). */
export type PushResult = 'sent' | 'gone';

let shared: { endpoint: string; client: ApiGatewayManagementApiClient } | undefined;

/**
 * One management-API client per container, for the configured endpoint. Locally (serverless-offline
 * answers `POST /@connections/{id}` on its WebSocket port) it gets dummy credentials: the default
 * provider chain would otherwise probe the instance-metadata address.
 */
const managementClient = (endpoint: string): ApiGatewayManagementApiClient => {
  if (shared?.endpoint !== endpoint) {
    const client = new ApiGatewayManagementApiClient({
      endpoint,
      region: config.region,
      ...(config.isLocal && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    });
    shared = { endpoint, client };
  }
  return shared.client;
};

/**
 * API Gateway answers a push to a closed connection with `GoneException` (410). serverless-offline
 * answers 410 with an empty body, which the SDK surfaces as an error named `Unknown`: the status
 * decides as well as the name.
 */
const isGone = (error: unknown): boolean => {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return failure?.name === 'GoneException' || failure?.$metadata?.httpStatusCode === 410;
};

/** Push one text frame to one connection. Other failures throw (the publisher logs them). */
export const pushToConnection = async (endpoint: string, connectionId: string, data: string): Promise<PushResult> => {
  try {
    await managementClient(endpoint).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    return 'sent';
  } catch (error) {
    if (isGone(error)) return 'gone';
    throw error;
  }
};
