/**
 * What the operator commands (tenant, privacy, webhooks) share: their output, their command-line
 * parsing, and one way of ending: JSON lines on stdout, a refusal as one line on stderr and exit
 * code 1, a wrong command line as one line and the usage with exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as z from '../lib/zod';
import { targetRegistry } from './registryTarget';

/** Where a command writes: JSON results to `out`, notes and errors to `err`, one line each. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** A mistake in the command line: the usage is worth showing. */
export class UsageError extends Error {
  /** The usage to show instead of the command's own (a subcommand's). */
  readonly usage?: string;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What every command takes: the stage whose store it works on (the local one by default), and --help. */
export const TARGET_OPTIONS = {
  stage: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command line, strictly: an unknown option or a missing value is a usage error. */
export const parseCommandLine = <T extends OptionsConfig>(
  args: string[],
  options: T,
  Usage: new (message: string) => UsageError = UsageError,
) => {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new Usage(error instanceof Error ? error.message : String(error));
  }
};

/** The option values a command line of these options gives. */
export type OptionValues<T extends OptionsConfig> = ReturnType<typeof parseCommandLine<T>>['values'];

/**
 * A command line of TARGET_OPTIONS and the command's own: after --help, the usage and nothing
 * (undefined); otherwise the store of --stage (or the local one) is targeted and the line returned.
 */
export const parseTargetedCommandLine = <T extends OptionsConfig & typeof TARGET_OPTIONS>(
  args: string[],
  options: T,
  usage: string,
  output: CliOutput,
  Usage: new (message: string) => UsageError = UsageError,
) => {
  const line = parseCommandLine(args, options, Usage);
  const { help, stage, region } = line.values as { help?: boolean; stage?: string; region?: string };
  if (help) {
    output.err(usage);
    return undefined;
  }
  targetRegistry({ stage, region });
  return line;
};

/** One line: a schema's complaints name the fields, like the API's error bodies do. */
const oneLine = (error: unknown, table: string): string => {
  if (error instanceof z.core.$ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
  }
  if (error instanceof Error && error.name === 'ResourceNotFoundException') return `${table} not found: ${error.message}`;
  if (error instanceof Error && /ECONNREFUSED/.test(`${error.message} ${String((error as { code?: string }).code)}`)) {
    return `cannot reach ${process.env.DYNAMODB_ENDPOINT} (is \`npm start\` running?)`;
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
};

export interface CliCommand {
  /** The prefix of its error lines. */
  name: string;
  usage: string;
  /** How a missing table is named in a refusal. */
  table?: string;
}

/** Run one command line; resolves to the exit code (0 done, 1 refused, 2 wrong command line). */
export const runCommand = async (cli: CliCommand, output: CliOutput, command: () => Promise<void>): Promise<number> => {
  try {
    await command();
    return 0;
  } catch (error) {
    output.err(`${cli.name}: ${oneLine(error, cli.table ?? 'table')}`);
    if (!(error instanceof UsageError)) return 1;
    output.err(error.usage ?? cli.usage);
    return 2;
  }
};

/** The script's entry: the process's arguments in, lines to the console, its exit code out. */
export const runMain = (cli: (argv: string[], output: CliOutput) => Promise<number>): void => {
  void cli(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
    process.exitCode = code;
  });
};
