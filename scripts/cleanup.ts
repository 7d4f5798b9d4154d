/**
 * One cleanup pass on demand, against the local store of `npm start` (or DYNAMODB_ENDPOINT):
 *   npm run cleanup -- [--now <ISO time>] [--tenant <client_id>]... [--dry-run]
 * Progress goes to stderr; the last line on stdout is the JSON summary
 * {"scanned":..,"deleted":..,"skipped":..,"tenants":..,"durationMs":..}.
 */
import { parseArgs } from 'node:util';
import { localS3Endpoint, localStoreEndpoint } from './local/stackRecord';

const USAGE = 'usage: npm run cleanup -- [--now <ISO time>] [--tenant <client_id>]... [--dry-run]';

/** A mistake in the command line: the usage is worth showing. */
class UsageError extends Error {}

const parseNow = (value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--now must be an ISO time, got ${value}`);
  return at;
};

const parseCommandLine = () => {
  try {
    return parseArgs({
      options: {
        now: { type: 'string' },
        tenant: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

const main = async (): Promise<number> => {
  const { values } = parseCommandLine();
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  const simulatedNow = parseNow(values.now);
  const dryRun = values['dry-run'] ?? false;

  // lib/config reads the environment once, at import: point it at the local store first.
  process.env.DYNAMODB_ENDPOINT = localStoreEndpoint();
  // The files sent in the rooms it deletes are in the stack's local S3.
  process.env.AWS_ENDPOINT_URL_S3 = localS3Endpoint();
  const { tableNames, LOCAL_STAGE } = await import('./local/tables');
  const names = tableNames(LOCAL_STAGE);
  process.env.CHAT_TABLE ||= names.chat;
  process.env.TENANTS_TABLE ||= names.tenants;
  const { runCleanup, CleanupFailed } = await import('../lib/cleanup/runCleanup');

  const now = simulatedNow ?? new Date();
  const tenants = values.tenant?.map((id) => id.trim());
  console.error(
    `cleanup: ${process.env.DYNAMODB_ENDPOINT} ${process.env.CHAT_TABLE}, now ${now.toISOString()}` +
      `${tenants ? `, tenants ${tenants.join(', ')}` : ', all tenants'}${dryRun ? ', dry run' : ''}`,
  );

  const print = (summary: { scanned: number; deleted: number; skipped: number; tenants: number; durationMs: number }) => {
    const { scanned, deleted, skipped, tenants: count, durationMs } = summary;
    console.log(JSON.stringify({ scanned, deleted, skipped, tenants: count, durationMs, ...(dryRun && { dryRun }) }));
  };

  try {
    const summary = await runCleanup({
      now,
      tenants,
      dryRun,
      // A pass at a simulated time must not move the cursor the scheduled passes rely on.
      persistCursor: simulatedNow === undefined,
      reporter: {
        tenant: (t) =>
          console.error(
            `tenant ${t.clientId}: ${dryRun ? 'due' : 'scanned'} ${t.scanned}, deleted ${t.deleted}, skipped ${t.skipped}, ` +
              `resumed ${t.resumed}, children ${t.children} (days ${t.fromDay}..${t.nextDay}, ${t.durationMs} ms)` +
              `${t.complete ? '' : ' — incomplete'}`,
          ),
        tenantFailed: (clientId, error) =>
          console.error(`tenant ${clientId}: FAILED ${error instanceof Error ? error.message : String(error)}`),
        pass: () => undefined,
      },
    });
    print(summary);
    return 0;
  } catch (error) {
    if (error instanceof CleanupFailed) {
      print(error.summary);
      return 1;
    }
    throw error;
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = 2;
  },
);
