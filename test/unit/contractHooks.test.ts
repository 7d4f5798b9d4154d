/**
 * The suite's shared HTTP and WebSocket helpers hold what they receive to the published documents:
 * against a loopback server that answers what the documents do not describe, the call fails, and
 * the violation is recorded for the afterEach that fails the test even if it caught the error.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { withEnv } from '../support/env';
import { post, request } from '../support/api';
import { takeContractViolations } from '../support/contractViolations';
import { connect, isRefusal } from '../support/socket';

let server: Server;
let sockets: WebSocketServer;
let base: string;
/** What the loopback server answers next: status, headers, body. */
let answer: { status: number; headers: Record<string, string>; body: string };

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
  sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.send(JSON.stringify({ event: 'room.closed', roomData: {} })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sockets.close();
  await new Promise((resolve) => server.close(resolve));
});

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
const error = (status: number, code: string) => JSON.stringify({ message: 'x', status, code });

describe('the HTTP helper (test/support/api.ts)', () => {
  it('fails the call on an undocumented status, and records it', async () => {
    answer = { status: 418, headers: JSON_HEADERS, body: error(418, 'VALIDATION_ERROR') };
    await withEnv({ API_URL: `http://${base}` }, async () => {
      await expect(post('/api/v1/chat/startChat', {})).rejects.toThrow(/Contract violation[\s\S]*does not document 418/);
    });
    expect(takeContractViolations()).toEqual([expect.stringContaining('does not document 418')]);
  });

  it('fails the call on an undeclared field, and on a 429 without Retry-After', async () => {
    await withEnv({ API_URL: `http://${base}` }, async () => {
      answer = { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ messages: [], next_cursor: null, debug: true }) };
      await expect(request('GET', '/api/v1/chat/rooms/641d731dee3408c461095a2b/messages')).rejects.toThrow(/debug/);
      answer = { status: 429, headers: JSON_HEADERS, body: error(429, 'RATE_LIMITED') };
      await expect(post('/api/v1/chat/rooms/641d731dee3408c461095a2b/messages', { text: 'hi' })).rejects.toThrow(/Retry-After/);
    });
    expect(takeContractViolations()).toHaveLength(2);
  });

  it('lets a documented answer through', async () => {
    answer = { status: 401, headers: JSON_HEADERS, body: error(401, 'TOKEN_MISSING') };
    await withEnv({ API_URL: `http://${base}` }, async () => {
      expect((await post('/api/v1/chat/startChat', {})).status).toBe(401);
    });
    expect(takeContractViolations()).toEqual([]);
  });
});

describe('the WebSocket helper (test/support/socket.ts)', () => {
  it('records a frame the AsyncAPI document does not describe (here: no event_id, an empty roomData)', async () => {
    const client = await connect({ url: `ws://${base}` });
    if (isRefusal(client)) throw new Error('refused');
    await client.waitFor((frame) => frame.event === 'room.closed');
    await client.close();
    expect(takeContractViolations()).toEqual([expect.stringMatching(/^WebSocket frame room\.closed: .*event_id/)]);
  });
});

describe('the afterEach of jest.config.cjs (test/support/contractHooks.ts)', () => {
  const ROOT = path.resolve(__dirname, '..', '..');

  /** The fixture's tests in a jest of their own: this suite's config, without the local stack. */
  const runFixture = (): Promise<{ numFailedTests: number; testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> }> => {
    const { globalSetup: _setup, globalTeardown: _teardown, ...config } = require(path.join(ROOT, 'jest.config.cjs'));
    const fixtureConfig = { ...config, rootDir: ROOT, roots: ['<rootDir>/test/support/fixtures'], testMatch: ['**/caughtViolations.fixture.ts'] };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(fixtureConfig), '--json', '--ci'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', () => {
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`jest gave no JSON report:\n${stderr.slice(-3000)}`));
        }
      });
    });
  };

  it('fails a test that swallowed a violation or never looked at a frame, and only that test', async () => {
    const report = await runFixture();
    const outcomes = Object.fromEntries(report.testResults[0]!.assertionResults.map(({ title, status, failureMessages }) => [title, { status, failure: failureMessages.join('\n') }]));
    const breaks = /This test received responses or frames that break the published contract/;
    expect(outcomes['catches the error of an undocumented status']).toEqual({ status: 'failed', failure: expect.stringMatching(breaks) });
    expect(outcomes['catches the error of an undocumented status']!.failure).toContain('does not document 418');
    expect(outcomes['receives a frame no message of the AsyncAPI document describes, and never looks at it']).toEqual({
      status: 'failed',
      failure: expect.stringMatching(/break the published contract[\s\S]*room\.undocumented/),
    });
    expect(outcomes['receives nothing']).toEqual({ status: 'passed', failure: '' });
    expect(report.numFailedTests).toBe(2);
  }, 60_000);
});
