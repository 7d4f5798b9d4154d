import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Actor, Tenant } from '../tenancy/tenant';

/** An HTTP API event once the standard stack has run: body validated, tenant resolved, caller verified. */
export type ApiEvent<Body = unknown> = Omit<APIGatewayProxyEventV2, 'body'> & {
  body: Body;
  tenant: Tenant;
  actor: Actor;
};
