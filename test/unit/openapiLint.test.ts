/**
 * The OpenAPI document under the two standard linters, as an integrator runs them: @redocly/cli
 * with `recommended-strict` (every rule an error) and Spectral with `spectral:oas`. Zero problems
 * of any severity; each linter is also shown to find problems, so a silent run cannot pass.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { openApiDocument } from '../../lib/openapi/document';

const run = promisify(execFile);
const REDOCLY = path.resolve(__dirname, '../../node_modules/.bin/redocly');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
}

/** A document with what the linters look for taken out: servers, operation ids, tags, descriptions, contact. */
const broken = () => {
  const document = openApiDocument() as Record<string, any>;
  delete document.servers;
  delete document.info.contact;
  for (const methods of Object.values(document.paths) as Array<Record<string, Record<string, unknown>>>) {
    for (const operation of Object.values(methods)) {
      delete operation.operationId;
      delete operation.tags;
      delete operation.description;
    }
  }
  return document;
};

describe('the OpenAPI document under @redocly/cli lint (recommended-strict)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The linter's problems for a document; it exits non-zero when there are errors. */
  const lint = async (document: object): Promise<LintProblem[]> => {
    const file = path.join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(document));
    // No telemetry and no update check: the linter reaches nothing beyond this machine.
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const args = ['lint', file, '--extends', 'recommended-strict', '--format', 'json', '--lint-config', 'off'];
    const output = await run(REDOCLY, args, { cwd: dir, env, timeout: 60_000 }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    return (JSON.parse(output.stdout.slice(output.stdout.indexOf('{'))) as { problems: LintProblem[] }).problems;
  };

  it('passes with no errors and no warnings', async () => {
    expect((await lint(openApiDocument())).map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message}`)).toEqual([]);
  }, 60_000);

  it('the linter does report a document without servers or operation ids', async () => {
    const rules = (await lint(broken())).map((problem) => `${problem.severity} ${problem.ruleId}`);
    expect(rules).toEqual(expect.arrayContaining(['error no-empty-servers', 'error operation-operationId']));
  }, 60_000);
});

describe('the OpenAPI document under Spectral (spectral:oas)', () => {
  const lint = async (document: object) => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [oas] } as RulesetDefinition);
    const results = await spectral.run(new Document(JSON.stringify(document), Json, 'openapi.json'));
    return results.map((result) => `${['error', 'warn', 'info', 'hint'][result.severity]} ${result.code}: ${result.message} (${result.path.join('.')})`);
  };

  it('passes with no errors, warnings, infos or hints', async () => {
    expect(await lint(openApiDocument())).toEqual([]);
  }, 60_000);

  it('the linter does report operations without tags or descriptions and a document without contact', async () => {
    const problems = await lint(broken());
    for (const rule of ['info-contact', 'operation-description', 'operation-tags', 'operation-operationId']) {
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(`${rule}:`)]));
    }
  }, 60_000);
});
