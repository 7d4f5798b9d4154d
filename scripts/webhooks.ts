/**
 * Webhook deliveries that ran out of attempts:
 *   npm run webhooks -- failed [--tenant <client_id>] [--stage <name>]
 *   npm run webhooks -- replay <delivery_id> [--stage <name>]
 * Targets the store of `npm start` by default, DYNAMODB_ENDPOINT when set, or a deployed stage
 * with `--stage`. JSON lines on stdout; a refusal is one line on stderr and exit code 1 (2 for a
 * wrong command line).
 */
import { parseTargetedCommandLine, runCommand, runMain, TARGET_OPTIONS, UsageError, type CliOutput } from './cli';

const USAGE = `usage: npm run --silent webhooks -- <command> [--stage <name>] [--region <region>]
  failed [--tenant <client_id>]    deliveries that failed every attempt (kept 7 days)
  replay <delivery_id>             send one again, with the same webhook-id, on a fresh schedule`;

const OPTIONS = {
  tenant: { type: 'string' },
  ...TARGET_OPTIONS,
} as const;

const run = async (positionals: string[], tenant: string | undefined, { out, err }: CliOutput): Promise<void> => {
  const deliveries = await import('../lib/webhooks/failedDeliveries');
  const [command, ...rest] = positionals;
  switch (command) {
    case 'failed':
      if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
      for (const failed of await deliveries.failedDeliveries(tenant)) out(JSON.stringify(failed));
      return;
    case 'replay': {
      if (rest.length !== 1) throw new UsageError('replay takes one <delivery_id>');
      out(JSON.stringify(await deliveries.replayDelivery(rest[0]!)));
      err('Scheduled: the sweep attempts it within a minute.');
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
};

/** Run one command line; resolves to the exit code (0 done, 1 refused, 2 wrong command line). */
export const webhooksCli = (argv: string[], output: CliOutput): Promise<number> =>
  runCommand({ name: 'webhooks', usage: USAGE }, output, async () => {
    const line = parseTargetedCommandLine(argv, OPTIONS, USAGE, output);
    if (line) await run(line.positionals, line.values.tenant, output);
  });

if (require.main === module) runMain(webhooksCli);
