import type { CliOutput } from '../../scripts/cli';

/** An operator command (scripts/tenant.ts, privacy.ts, webhooks.ts) as its module exports it. */
type Cli = (argv: string[], output: CliOutput) => Promise<number>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr, one line each. */
  stderrLines: string[];
  /** stdout's JSON lines. */
  lines: any[];
}

/** The command in this process, against the store the test environment names (DYNAMODB_ENDPOINT and the tables). */
export const runCli = async (cli: Cli, args: string[]): Promise<CliResult> => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), stderrLines: err, lines: out.map((line) => JSON.parse(line)) };
};

/** The command's JSON result lines, for a test that only needs it done: a refusal throws with what it said. */
export const cliLines = async (cli: Cli, args: string[]): Promise<any[]> => {
  const result = await runCli(cli, args);
  if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stderrLines.join(' ')}`);
  return result.lines;
};
