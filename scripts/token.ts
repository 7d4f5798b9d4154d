/**
 * Print an access token for a local tenant (development-only keys):
 *   npm run --silent token -- --client-id 1 --user-id 133 --role agent [--ttl 3600] [--order-ids 4242,4243]
 * The token is the last line of output, so `$(npm run --silent token -- ...)` captures it.
 */
import { parseArgs } from 'node:util';
import { signLocalToken } from './local/tokens';

const USAGE =
  'usage: npm run --silent token -- --client-id <id> --user-id <id> --role <role> [--ttl <seconds>] [--order-ids <id,id,...>]';

/** `4242,4243` → the claim's order ids; each a positive whole number. */
const parseOrderIds = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined) return undefined;
  const ids = raw.split(',').map((id) => id.trim());
  const bad = ids.find((id) => !/^[1-9][0-9]*$/.test(id));
  if (bad !== undefined) throw new Error(`--order-ids must be comma-separated order ids, got "${bad}"`);
  return ids;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      'client-id': { type: 'string' },
      'user-id': { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
      'order-ids': { type: 'string' },
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
  console.log(await signLocalToken(clientId, userId, role, ttl, { ...(orderIds && { orderIds }) }));
};

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exitCode = 2;
});
