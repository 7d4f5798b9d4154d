/**
 * Print an access token for any tenant in the registry, signed with its newest key:
 *   npm run --silent token -- --client-id 1 --user-id 133 --role agent [--ttl 3600] [--order-ids 4242,4243] [--stage <name>]
 * The registry is the one `npm run tenant` manages: the store of `npm start` by default,
 * DYNAMODB_ENDPOINT when set, or a deployed stage with `--stage`. Without a reachable local store,
 * the seeded development tenants still sign. The token is the last line of output, so
 * `$(npm run --silent token -- ...)` captures it. Or signed with a private JWK file whose public
 * half the tenant registered (`jwt_public_keys`), as the tenant's platform would sign it:
 *   npm run --silent token -- --client-id 1 --user-id 133 --role agent --private-key-file key.json
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { targetRegistry } from './registryTarget';

const USAGE =
  'usage: npm run --silent token -- --client-id <id> --user-id <id> --role <role> [--ttl <seconds>] [--order-ids <id,id,...>] [--stage <name>] [--region <region>]\n' +
  '       [--private-key-file <private JWK with kid>] [--issuer <iss>] [--audience <aud>]';

/** `4242,4243` → the claim's order ids; each a positive whole number. */
const parseOrderIds = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined) return undefined;
  const ids = raw.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !/^[1-9][0-9]*$/.test(id));
  if (bad !== undefined) throw new Error(`--order-ids must be comma-separated order ids, got "${bad}"`);
  return ids;
};

const isUnreachable = (error: unknown) =>
  error instanceof Error && /ECONNREFUSED|ECONNRESET/.test(`${error.message} ${String((error as { code?: string }).code)}`);

const readPrivateJwk = (path: string | undefined): JWK | undefined => {
  if (path === undefined) return undefined;
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  if (typeof jwk !== 'object' || jwk === null || !jwk.d) throw new Error(`${path} is not a private JWK (it has no "d")`);
  return jwk;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      'client-id': { type: 'string' },
      'user-id': { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
      'order-ids': { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      'private-key-file': { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const clientId = values['client-id'];
  const userId = values['user-id'];
  const role = values.role;
  if (!clientId || !userId || !role) throw new Error('--client-id, --user-id and --role are required');
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl must be a positive whole number of seconds, got ${values.ttl}`);
  const orderIds = parseOrderIds(values['order-ids']);
  const claims = {
    ...(orderIds && { orderIds }),
    ...(values.issuer && { issuer: values.issuer }),
    ...(values.audience && { audience: values.audience }),
  };
  const privateJwk = readPrivateJwk(values['private-key-file']);
  if (privateJwk) {
    const { signWithPrivateKey } = await import('./local/tokens');
    console.log(await signWithPrivateKey(privateJwk, clientId, userId, role, ttl, claims));
    return;
  }

  targetRegistry({ stage: values.stage, region: values.region });
  const { signLocalToken, signRegistryToken } = await import('./local/tokens');
  try {
    console.log(await signRegistryToken(clientId, userId, role, ttl, claims));
  } catch (error) {
    if (values.stage !== undefined || !isUnreachable(error)) throw error;
    console.error(`token: ${process.env.DYNAMODB_ENDPOINT} is not reachable; signing with the seeded development keys`);
    console.log(await signLocalToken(clientId, userId, role, ttl, claims));
  }
};

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exitCode = 2;
});
