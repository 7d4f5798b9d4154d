/**
 * Print an access token for a local tenant (development-only keys):
 *   npm run --silent token -- --client-id 1 --user-id 133 --role agent [--ttl 3600]
 * The token is the last line of output, so `$(npm run --silent token -- ...)` captures it.
 */
import { parseArgs } from 'node:util';
import { signLocalToken } from './local/tokens';

const USAGE = 'usage: npm run --silent token -- --client-id <id> --user-id <id> --role <role> [--ttl <seconds>]';

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      'client-id': { type: 'string' },
      'user-id': { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
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
  console.log(await signLocalToken(clientId, userId, role, ttl));
};

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exitCode = 2;
});
