/**
 * What the playground page needs from the local stack: the seed request, the local tenants'
 * public identifiers, the WebSocket URL, and development tokens for the participants it shows.
 * Tokens are signed here, on the local stack, with the local tenants' development keys, so the
 * page itself never holds a tenant key.
 */
import * as z from '../lib/zod';
import { AppError } from '../lib/errors';
import { platformId } from '../lib/ids';
import { ROLES } from '../lib/tenancy/tenant';
import { LOCAL_TENANTS } from '../scripts/local/seed';
import { SEED_BODY, SEED_PATH, seedHeaders } from '../scripts/local/seedRequest';
import { signLocalToken } from '../scripts/local/tokens';
import { ROLE_NAMES } from './labels';

/** The two participants the page opens with: the seed's agent and a customer of the same tenant. */
export const DEFAULT_PARTICIPANTS = [
  { client_id: '1', role: 'agent', user_id: '133' },
  { client_id: '1', role: 'user', user_id: '1' },
] as const;

/** How long a playground token lives: a working day, like the token `npm start` prints. */
export const PLAYGROUND_TOKEN_TTL_SECONDS = 24 * 3600;

/** Stands for the participant's token in the seed headers; the page puts the token in. */
export const TOKEN_PLACEHOLDER = '{{token}}';

export const participantRequest = z.object({
  client_id: platformId.check(
    z.refine(
      (id: string) => LOCAL_TENANTS.some((tenant) => tenant.client_id === id),
      `must be a local tenant (${LOCAL_TENANTS.map((tenant) => tenant.client_id).join(', ')})`,
    ),
  ),
  role: z.enum(ROLES),
  user_id: platformId,
});

export type ParticipantRequest = z.output<typeof participantRequest>;

/**
 * The socket clients connect to: the local WebSocket API's endpoint (`http://127.0.0.1:<port>`,
 * which its management API also uses) as a `ws:` URL; null while the stack has none.
 */
export const websocketUrl = (endpoint = process.env.WEBSOCKET_ENDPOINT): string | null => {
  if (!endpoint) return null;
  const url = new URL(endpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString().replace(/\/$/, '');
};

const publicIdentifiers = (tenant: (typeof LOCAL_TENANTS)[number]) => ({
  client_id: tenant.client_id,
  sub_domain: tenant.sub_domain,
  db_name: tenant.db_name,
  name: tenant.name,
  status: tenant.status,
});

/** The page's configuration: `GET /playground/config.json`. */
export const playgroundConfig = () => ({
  seed: { path: SEED_PATH, headers: seedHeaders(TOKEN_PLACEHOLDER), body: SEED_BODY },
  tenants: LOCAL_TENANTS.map(publicIdentifiers),
  participants: DEFAULT_PARTICIPANTS,
  role_names: ROLE_NAMES,
  websocket_url: websocketUrl(),
});

/** A development token for one participant: `POST /playground/tokens`. */
export const participantSession = async ({ client_id, role, user_id }: ParticipantRequest) => {
  // The schema admits only local tenants.
  const tenant = LOCAL_TENANTS.find((candidate) => candidate.client_id === client_id)!;
  // The API refuses a suspended tenant's tokens; the playground mints none for it.
  if (tenant.status !== 'active') throw new AppError('TENANT_SUSPENDED', `Tenant ${client_id} is ${tenant.status}: the playground mints no tokens for it`);
  return {
    token: await signLocalToken(client_id, user_id, role, PLAYGROUND_TOKEN_TTL_SECONDS),
    expires_in: PLAYGROUND_TOKEN_TTL_SECONDS,
    participant: { client_id, role, user_id },
    tenant: publicIdentifiers(tenant),
  };
};
