/**
 * Manage the tenant registry:
 *   npm run tenant -- <command> [--stage <name>] ...
 * Targets the store of `npm start` by default, DYNAMODB_ENDPOINT when set, or a deployed stage
 * with `--stage` (AWS credentials and region from the environment). Results are JSON lines on
 * stdout; a refusal is one line on stderr and exit code 1 (2 for a wrong command line).
 */
import { readFile } from 'node:fs/promises';
import { parseCommandLine, runCommand, runMain, TARGET_OPTIONS, UsageError, type CliOutput, type OptionValues } from './cli';
import { targetRegistry } from './registryTarget';
import { tenantWebhooksCli } from './tenantWebhooks';

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
  ...TARGET_OPTIONS,
} as const;

type Values = OptionValues<typeof OPTIONS>;

const required = (values: Values, name: 'client-id' | 'sub-domain' | 'db-name' | 'days' | 'jwk-file' | 'seconds'): string => {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};

/** A whole number from the command line; anything else goes to the schema as is, to be refused there. */
const numberOrText = (value: string | undefined): unknown => (value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** set-attachments' change: each of --types and --max-bytes given, `default` clearing it. */
const attachmentSettings = (values: Values) => {
  const types = values.types?.trim();
  const maxBytes = values['max-bytes']?.trim();
  if (types === undefined && maxBytes === undefined) throw new UsageError('set-attachments needs --types or --max-bytes');
  return {
    ...(types !== undefined && { types: types === 'default' ? null : types.split(',').map((type) => type.trim()) }),
    ...(maxBytes !== undefined && { maxBytes: maxBytes === 'default' ? null : numberOrText(maxBytes) }),
  };
};

const readJwkFile = async (file: string): Promise<unknown> => {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new Error(`--jwk-file ${file}: ${reason}`);
  }
};

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
      const settings = attachmentSettings(values);
      print(await admin.setAttachmentSettings(required(values, 'client-id'), settings));
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
      const jwk = await readJwkFile(required(values, 'jwk-file'));
      print(await admin.addTenantPublicKey(required(values, 'client-id'), jwk));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
};

/** Run one command line; resolves to the exit code (0 done, 1 refused, 2 wrong command line). */
export const tenantCli = (argv: string[], output: CliOutput): Promise<number> =>
  runCommand({ name: 'tenant', usage: USAGE, table: 'registry table' }, output, async () => {
    if (argv[0] === 'webhook') return tenantWebhooksCli(argv.slice(1), output);
    const { values, positionals } = parseCommandLine(argv, OPTIONS);
    if (values.help) return output.err(USAGE);
    if (positionals.length > 1) throw new UsageError(`one command at a time, got ${positionals.join(' ')}`);
    targetRegistry({ stage: values.stage, region: values.region });
    await run(positionals[0], values, output);
  });

if (require.main === module) runMain(tenantCli);
