/**
 * A person's chat data on request (docs/privacy.md):
 *   npm run --silent privacy -- export <client_id> <role> <user_id> [--out <file.json>] [--room <_id>]... [--scan]
 *   npm run --silent privacy -- erase <client_id> <role> <user_id> [--room <_id>]... [--scan] [--requested-by <operator>]
 *   npm run --silent privacy -- audit <client_id>
 * Targets the store of `npm start` by default, DYNAMODB_ENDPOINT when set, or a deployed stage with
 * `--stage` (AWS credentials and region from the environment). Results are JSON lines on stdout;
 * notes go to stderr; a refusal is one line on stderr and exit code 1 (2 for a wrong command line).
 */
import { writeFile } from 'node:fs/promises';
import { parseTargetedCommandLine, runCommand, runMain, TARGET_OPTIONS, UsageError, type CliOutput, type OptionValues } from './cli';

const USAGE = `usage: npm run --silent privacy -- <command> [--stage <name>] [--region <region>]
  export <client_id> <role> <user_id> [--out <file.json>] [--room <_id>]... [--scan]
  erase <client_id> <role> <user_id> [--room <_id>]... [--scan] [--requested-by <operator>]
  audit <client_id>
role: agent, user or vendor. --room names a room the person was reassigned out of (their role's
index only finds the rooms whose slot is theirs); --scan finds such rooms by reading the whole
table (every tenant's items: slow and costly on a large table).`;

const OPTIONS = {
  out: { type: 'string' },
  room: { type: 'string', multiple: true },
  scan: { type: 'boolean' },
  'requested-by': { type: 'string' },
  ...TARGET_OPTIONS,
} as const;

type Values = OptionValues<typeof OPTIONS>;

const personOf = (args: string[], values: Values) => {
  if (args.length !== 3) throw new UsageError(`expected <client_id> <role> <user_id>, got ${args.length} argument(s)`);
  const [client_id, role, user_id] = args as [string, string, string];
  return { client_id, role: role as 'user', user_id, ...(values.room && { room_ids: values.room }) };
};

const run = async (command: string | undefined, args: string[], values: Values, { out, err }: CliOutput): Promise<void> => {
  const print = (value: unknown) => out(JSON.stringify(value));
  const operator = await import('../lib/privacy/privacyOperator');
  const { scanRoomRefsOfPerson } = await import('./privacyScan');
  const options = {
    ...(values.scan && {
      findRooms: async (...args: Parameters<typeof scanRoomRefsOfPerson>) => {
        const { refs, itemsRead } = await scanRoomRefsOfPerson(...args);
        err(`scan: read ${itemsRead} items of the table, found ${refs.length} room(s) holding the person's data`);
        return refs;
      },
    }),
  };
  switch (command) {
    case 'export': {
      const exported = await operator.exportPersonData(personOf(args, values), options);
      const summary = { rooms: exported.rooms.length, messages: exported.rooms.reduce((sum, room) => sum + room.messages.length, 0) };
      if (values.out === undefined) return print(exported);
      await writeFile(values.out, `${JSON.stringify(exported, null, 2)}\n`, { mode: 0o600 });
      return print({ out: values.out, ...summary });
    }
    case 'erase':
      if (values.out !== undefined) throw new UsageError('--out is for export');
      return print(await operator.erasePersonData({ ...personOf(args, values), requested_by: values['requested-by'] }, options));
    case 'audit':
      if (args.length !== 1) throw new UsageError(`expected <client_id>, got ${args.length} argument(s)`);
      for (const audit of await operator.erasureAudits(args[0]!)) print(audit);
      return;
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
};

/** Run one command line; resolves to the exit code (0 done, 1 refused, 2 wrong command line). */
export const privacyCli = (argv: string[], output: CliOutput): Promise<number> =>
  runCommand({ name: 'privacy', usage: USAGE }, output, async () => {
    const line = parseTargetedCommandLine(argv, OPTIONS, USAGE, output);
    if (line) await run(line.positionals[0], line.positionals.slice(1), line.values, output);
  });

if (require.main === module) runMain(privacyCli);
