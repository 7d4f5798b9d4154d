/**
 * Manage the tenant registry:
 *   npm run tenant -- <command> [--stage <name>] ...
 * Targets the store of `npm start` by default, DYNAMODB_ENDPOINT when set, or a deployed stage
 * with `--stage` (AWS credentials and region from the environment). Results are JSON lines on
 * stdout; a refusal is one line on stderr and exit code 1 (2 for a wrong command line).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as z from '../lib/zod';
import { targetRegistry } from './registryTarget';
import { tenantWebhooksCli, WEBHOOK_USAGE, WebhookUsageError } from './tenantWebhooks';

const USAGE = `usage: npm run --silent tenant -- <command> [--stage <name>] [--region <region>]
  add --client-id <n> --sub-domain <host> --db-name <name> [--name <display name>] [--retention-days <days>]
  list
  show --client-id <n>
  suspend --client-id <n>
  resume --client-id <n>
  set-retention --client-id <n> --days <days>
  set-staff-order-claims --client-id <n> (--on | --off)
  set-edit-window --client-id <n> --seconds <s>   (0: no edits)
  set-masking --client-id <n> [--mask <phone,email,url | none>] [--default-country <CC>]
  set-attachments --client-id <n> [--types <image/png,application/pdf,… | default>] [--max-bytes <n | default>]
  rotate-secret --client-id <n>
  drop-secret --client-id <n> --keep-newest
  add-key --client-id <n> --jwk-file <public key.json>
  webhook <add|list|remove|rotate-secret|disable|enable> …   (npm run tenant -- webhook --help)`;

/** A mistake in the command line: the usage is worth showing. */
class UsageError extends Error {}

const OPTIONS = {
  'client-id': { type: 'string' },
  'sub-domain': { type: 'string' },
  'db-name': { type: 'string' },
  name: { type: 'string' },
  'retention-days': { type: 'string' },
  days: { type: 'string' },
  'keep-newest': { type: 'boolean' },
  on: { type: 'boolean' },
  off: { type: 'boolean' },
  'jwk-file': { type: 'string' },
  seconds: { type: 'string' },
  mask: { type: 'string' },
  'default-country': { type: 'string' },
  types: { type: 'string' },
  'max-bytes': { type: 'string' },
  stage: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const required = (values: Values, name: 'client-id' | 'sub-domain' | 'db-name' | 'days' | 'jwk-file' | 'seconds'): string => {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};

/** A whole number from the command line; anything else goes to the schema as is, to be refused there. */
const numberOrText = (value: string | undefined): unknown => (value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** Where a command writes: JSON results to `out`, notes and errors to `err`, one line each. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const run = async (command: string | undefined, values: Values, { out, err }: CliOutput): Promise<void> => {
  const print = (value: unknown) => out(JSON.stringify(value));
  const admin = await import('../lib/tenancy/tenantAdmin');
  switch (command) {
    case 'add':
      print(
        await admin.addTenant({
          client_id: required(values, 'client-id'),
          sub_domain: required(values, 'sub-domain'),
          db_name: required(values, 'db-name'),
          name: values.name,
          retention_days: numberOrText(values['retention-days']) as number | undefined,
        }),
      );
      err('The key is shown this once: give it to the tenant; it cannot be read back.');
      return;
    case 'list':
      for (const tenant of await admin.listTenants()) print(tenant);
      return;
    case 'show':
      print(await admin.showTenant(required(values, 'client-id')));
      return;
    case 'suspend':
      print(await admin.setTenantStatus(required(values, 'client-id'), 'suspended'));
      return;
    case 'resume':
      print(await admin.setTenantStatus(required(values, 'client-id'), 'active'));
      return;
    case 'set-retention':
      print(await admin.setTenantRetention(required(values, 'client-id'), numberOrText(required(values, 'days'))));
      return;
    case 'set-staff-order-claims': {
      if (values.on === values.off) throw new UsageError('set-staff-order-claims needs exactly one of --on and --off');
      print(await admin.setStaffOrderClaims(required(values, 'client-id'), values.on === true));
      return;
    }
    case 'set-edit-window':
      print(await admin.setEditWindow(required(values, 'client-id'), numberOrText(required(values, 'seconds'))));
      return;
    case 'set-masking': {
      const mask = values.mask?.trim();
      if (mask === undefined && values['default-country'] === undefined) throw new UsageError('set-masking needs --mask or --default-country');
      const kinds = mask === undefined ? undefined : mask === 'none' ? [] : mask.split(',').map((kind) => kind.trim());
      const summary = await admin.setMasking(required(values, 'client-id'), { kinds, defaultCountry: values['default-country'] });
      print(summary);
      if (summary.masking?.phone && !summary.masking.default_country) err('Without --default-country only numbers written with + and a country code are found.');
      return;
    }
    case 'set-attachments': {
      const types = values.types?.trim();
      const maxBytes = values['max-bytes']?.trim();
      if (types === undefined && maxBytes === undefined) throw new UsageError('set-attachments needs --types or --max-bytes');
      print(
        await admin.setAttachmentSettings(required(values, 'client-id'), {
          ...(types !== undefined && { types: types === 'default' ? null : types.split(',').map((type) => type.trim()) }),
          ...(maxBytes !== undefined && { maxBytes: maxBytes === 'default' ? null : numberOrText(maxBytes) }),
        }),
      );
      return;
    }
    case 'rotate-secret':
      print(await admin.rotateTenantSecret(required(values, 'client-id')));
      err('The new key signs from now on; the old ones verify until `drop-secret --keep-newest`.');
      return;
    case 'drop-secret':
      if (!values['keep-newest']) throw new UsageError('drop-secret needs --keep-newest (it keeps only the newest key)');
      print(await admin.dropOldTenantSecrets(required(values, 'client-id')));
      return;
    case 'add-key': {
      const file = required(values, 'jwk-file');
      let jwk: unknown;
      try {
        jwk = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
        throw new Error(`--jwk-file ${file}: ${reason}`);
      }
      print(await admin.addTenantPublicKey(required(values, 'client-id'), jwk));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
};

/** One line: a schema's first complaint names the field, like the API's error bodies do. */
const oneLine = (error: unknown): string => {
  if (error instanceof z.core.$ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
  }
  if (error instanceof Error && error.name === 'ResourceNotFoundException') return `registry table not found: ${error.message}`;
  if (error instanceof Error && /ECONNREFUSED/.test(`${error.message} ${String((error as { code?: string }).code)}`)) {
    return `cannot reach ${process.env.DYNAMODB_ENDPOINT} (is \`npm start\` running?)`;
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
};

/** Run one command line; resolves to the exit code (0 done, 1 refused, 2 wrong command line). */
export const tenantCli = async (argv: string[], output: CliOutput): Promise<number> => {
  try {
    if (argv[0] === 'webhook') {
      await tenantWebhooksCli(argv.slice(1), output);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      output.err(USAGE);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`one command at a time, got ${positionals.join(' ')}`);
    targetRegistry({ stage: values.stage, region: values.region });
    await run(positionals[0], values, output);
    return 0;
  } catch (error) {
    output.err(`tenant: ${oneLine(error)}`);
    if (error instanceof UsageError) output.err(USAGE);
    if (error instanceof WebhookUsageError) output.err(WEBHOOK_USAGE);
    return error instanceof UsageError || error instanceof WebhookUsageError ? 2 : 1;
  }
};

if (require.main === module) {
  void tenantCli(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
    process.exitCode = code;
  });
}
