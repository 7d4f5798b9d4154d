/**
 * `npm run tenant -- webhook <command> …`: a tenant's webhook endpoints (lib/webhooks/endpointAdmin.ts).
 * The same conventions as the other tenant commands: local store by default, `--stage` for a
 * deployed one, JSON lines on stdout, one line on stderr and exit 1 on a refusal (2 for a wrong
 * command line).
 */
import { parseTargetedCommandLine, TARGET_OPTIONS, UsageError, type CliOutput, type OptionValues } from './cli';

const WEBHOOK_USAGE = `usage: npm run --silent tenant -- webhook <command> [--stage <name>] [--region <region>]
  add <client_id> --url <https url> --events <event,...>   (events: message.created, room.opened, room.closed, participant.reassigned)
  list <client_id>
  remove <client_id> <endpoint_id>
  rotate-secret <client_id> <endpoint_id> [--overlap-hours <hours, default 24>]
  disable <client_id> <endpoint_id>
  enable <client_id> <endpoint_id>`;

/** A mistake in a `webhook` command line: its own usage is worth showing. */
class WebhookUsageError extends UsageError {
  override readonly usage = WEBHOOK_USAGE;
}

const OPTIONS = {
  url: { type: 'string' },
  events: { type: 'string' },
  'overlap-hours': { type: 'string' },
  ...TARGET_OPTIONS,
} as const;

type Values = OptionValues<typeof OPTIONS>;

const argument = (positionals: string[], index: number, name: string): string => {
  const value = positionals[index];
  if (value === undefined) throw new WebhookUsageError(`<${name}> is required`);
  return value;
};

const run = async (positionals: string[], values: Values, { out, err }: CliOutput): Promise<void> => {
  const print = (value: unknown) => out(JSON.stringify(value));
  const admin = await import('../lib/webhooks/endpointAdmin');
  const [command] = positionals;
  const clientId = () => argument(positionals, 1, 'client_id');
  const endpointId = () => argument(positionals, 2, 'endpoint_id');
  const expected = command === 'add' || command === 'list' ? 2 : 3;
  if (positionals.length > expected) throw new WebhookUsageError(`unexpected ${positionals.slice(expected).join(' ')}`);
  switch (command) {
    case 'add':
      if (values.url === undefined) throw new WebhookUsageError('--url is required');
      if (values.events === undefined) throw new WebhookUsageError('--events is required');
      print(await admin.addEndpoint(clientId(), { url: values.url, events: values.events }));
      err('The secret is shown this once: give it to the tenant to verify deliveries with; it cannot be read back.');
      return;
    case 'list':
      for (const endpoint of await admin.listEndpoints(clientId())) print(endpoint);
      return;
    case 'remove':
      print(await admin.removeEndpoint(clientId(), endpointId()));
      return;
    case 'rotate-secret': {
      const hours = values['overlap-hours'] === undefined ? undefined : Number(values['overlap-hours']);
      print(await admin.rotateEndpointSecret(clientId(), endpointId(), hours));
      err('The new secret is shown this once. Deliveries carry a signature by each secret until the previous one expires.');
      return;
    }
    case 'disable':
      print(await admin.setEndpointEnabled(clientId(), endpointId(), false));
      return;
    case 'enable':
      print(await admin.setEndpointEnabled(clientId(), endpointId(), true));
      return;
    default:
      throw new WebhookUsageError(command ? `unknown webhook command ${command}` : 'a webhook command is required');
  }
};

/** Run one `webhook` command line (the words after `webhook`); throws what tenantCli reports. */
export const tenantWebhooksCli = async (argv: string[], output: CliOutput): Promise<void> => {
  const line = parseTargetedCommandLine(argv, OPTIONS, WEBHOOK_USAGE, output, WebhookUsageError);
  if (line) await run(line.positionals, line.values, output);
};
