/**
 * Docs that run: every shell block in README.md and docs/ that can run against a local stack runs
 * here, as written, against the test stack (its ports put in place of the defaults), in one bash
 * session per run so a page's later blocks use what its earlier ones set (docs/realtime.md uses
 * docs/api.md's $ROOM). curl fails on an HTTP error status, so a broken example fails the test,
 * inside a command substitution (ROOM=$(curl … | node …)) too.
 * Only blocks that start a stack, deploy, or call AWS are left out, each for its reason.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Pages in the order a reader follows them; the rest of docs/ after. */
const FIRST_PAGES = ['README.md', 'docs/api.md', 'docs/realtime.md', 'docs/security.md', 'docs/operations.md'];

const NOT_RUNNABLE: Array<[RegExp, string]> = [
  [/\bnpm (ci|start|test)\b/, 'starts or tests a stack of its own'],
  [/\bserverless (deploy|remove)\b/, 'deploys to AWS'],
  [/^aws /m, 'calls AWS'],
  [/--stage\b/, 'acts on a deployed stage'],
];

/** Files the examples write in the checkout, removed after the run unless they were there before. */
const WRITTEN_FILES = ['key.json', 'key.pub.json'];

interface ShellBlock {
  page: string;
  line: number;
  code: string;
}

const pages = (): string[] => {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return [...FIRST_PAGES, ...docs.filter((page) => !FIRST_PAGES.includes(page)).sort()];
};

const shellBlocks = (page: string): ShellBlock[] => {
  const text = readFileSync(path.join(REPO_ROOT, page), 'utf8');
  return [...text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((match) => ({
    page,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1]!,
  }));
};

const runnable = (block: ShellBlock) => !NOT_RUNNABLE.some(([pattern]) => pattern.test(block.code));

/** The default local ports, as the docs write them, pointed at the test stack. */
const onTestStack = (code: string): string => {
  const api = new URL(process.env.API_URL!);
  const ws = new URL(process.env.WS_URL!);
  return code
    .replace(/\b(localhost|127\.0\.0\.1):3000\b/g, api.host)
    .replace(/\b(localhost|127\.0\.0\.1):3001\b/g, ws.host);
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * bash, asynchronously: the test stack's store may live in this very process (jest runs a lone
 * test file in band), so blocking the event loop would leave the examples' requests unanswered.
 */
const bash = (code: string, timeoutMs: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', code], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });

const script = (blocks: ShellBlock[]): string =>
  [
    // inherit_errexit: without it a failure inside $(…) runs on and the assignment takes its output.
    'set -euo pipefail; shopt -s inherit_errexit',
    // An HTTP error status fails the example, with the body it answered; the function returns curl's
    // status, not echo's, where errexit does not apply (the left of || or &&).
    'curl() { local status=0; command curl --fail-with-body --silent --show-error "$@" || status=$?; echo; return $status; }',
    ...blocks.map((block) => `echo "### ${block.page}:${block.line}" >&2\n${onTestStack(block.code)}`),
  ].join('\n');

describe('shell examples in README.md and docs/', () => {
  const blocks = pages().flatMap(shellBlocks);

  it('leaves out no request to the stack: only blocks that start a stack, deploy or call AWS', () => {
    const left = blocks.filter((block) => !runnable(block));
    expect(left.filter((block) => /\bcurl\b/.test(block.code)).map((block) => `${block.page}:${block.line}`)).toEqual([]);
    expect(blocks.filter(runnable).length).toBeGreaterThanOrEqual(6);
  });

  it('fail on a broken example: an HTTP error status, on its own or inside a command substitution', async () => {
    const broken = (code: string) => bash(script([{ page: 'broken.md', line: 1, code }]), 30_000);
    const missing = 'curl -s localhost:3000/api/v1/chat/rooms/641d731dee3408c461095a2b';
    for (const code of [missing, `ROOM=$(${missing} | cat)\necho "went on with $ROOM"`]) {
      const run = await broken(code);
      expect(run.status).not.toBe(0);
      expect(run.stdout).not.toContain('went on');
      expect(run.stderr).toContain('### broken.md:1');
    }
    expect((await broken(`ROOM=$(echo fine)\necho "went on with $ROOM"`)).stdout).toContain('went on with fine');
  });

  it('run as written against the local stack', async () => {
    const existed = WRITTEN_FILES.filter((file) => existsSync(path.join(REPO_ROOT, file)));
    try {
      const run = await bash(script(blocks.filter(runnable)), 240_000);
      const failedAt = [...run.stderr.matchAll(/^### (.+)$/gm)].pop()?.[1];
      if (run.status !== 0) throw new Error(`the example at ${failedAt} failed (exit ${run.status}):\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`);
      expect(run.stdout).toContain('Room created successfully');
      expect(run.stdout).toContain('"user_id":"134"');
    } finally {
      for (const file of WRITTEN_FILES) if (!existed.includes(file)) rmSync(path.join(REPO_ROOT, file), { force: true });
    }
  }, 300_000);
});
