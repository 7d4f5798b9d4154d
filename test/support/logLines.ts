import { logOutput } from '../../lib/log';

/** What lib/log and lib/metrics write while `work` runs, as [stream, parsed line] pairs, instead of printing it. */
export const written = async (work: () => unknown): Promise<Array<[string, Record<string, unknown>]>> => {
  const lines: Array<[string, Record<string, unknown>]> = [];
  const write = logOutput.write;
  logOutput.write = (stream, line) => {
    expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    lines.push([stream, JSON.parse(line) as Record<string, unknown>]);
  };
  try {
    await work();
  } finally {
    logOutput.write = write;
  }
  return lines;
};
