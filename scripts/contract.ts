/**
 * Contract check of a running stage against the documents it serves:
 *   npm run contract -- --url https://<api>.execute-api.<region>.amazonaws.com [--token <jwt>] [--body seed.json]
 * Fetches /api/v1/openapi.json and /api/v1/asyncapi.json (and holds those two answers to the
 * OpenAPI document), checks the AsyncAPI document with @asyncapi/parser, sends the published
 * startChat request and validates its answer; with a token, also connects to the WebSocket the
 * AsyncAPI document names, pings, and validates the answer. Without a token the startChat answer
 * is the documented 401. Says where the served documents differ from this checkout's. Exits 1 on
 * any violation.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import WebSocket from 'ws';
import { asyncApiDocument } from '../lib/openapi/asyncApiDocument';
import { ASYNCAPI_PATH, OPENAPI_PATH, openApiDocument } from '../lib/openapi/document';
import { contractOracle, type ContractOracle, type HttpExchange } from './contractOracle';
import { SEED_BODY, SEED_PATH, seedHeaders } from './local/seedRequest';

const USAGE = 'usage: npm run contract -- --url <base URL of the HTTP API> [--token <jwt>] [--body <startChat body JSON file>]';

type Json = Record<string, any>;

const exchange = async (base: string, method: string, path: string, init: RequestInit = {}): Promise<HttpExchange> => {
  const response = await fetch(new URL(path, base), { method, ...init });
  return { method, path, status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
};

const report = (name: string, violations: string[]): number => {
  console.log(`${violations.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
  for (const violation of violations) console.log(`     ${violation}`);
  return violations.length;
};

/** Ping over the WebSocket the AsyncAPI document names; the answer must keep to the document. */
const pingOverWebSocket = (asyncApi: Json, token: string, oracle: ContractOracle): Promise<string[]> => {
  const { protocol, host, pathname = '' } = asyncApi.servers.api;
  const url = `${protocol}://${host}${pathname}?token=${encodeURIComponent(token)}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => finish(['no answer to a ping within 10 s']), 10_000);
    const finish = (violations: string[]) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(violations);
    };
    socket.once('unexpected-response', (_request, response) => finish([`the upgrade was refused with ${response.statusCode}`]));
    socket.once('error', (error) => finish([`could not connect: ${error.message}`]));
    socket.once('open', () => socket.send(JSON.stringify({ action: 'ping' })));
    socket.once('message', (data) => {
      const frame = JSON.parse(String(data));
      finish([...oracle.frameViolations(frame), ...(frame.event === 'pong' ? [] : [`a ping was answered ${String(data)}`])]);
    });
  });
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({ options: { url: { type: 'string' }, token: { type: 'string' }, body: { type: 'string' } } });
  if (!values.url) throw new Error(USAGE);
  const base = values.url.endsWith('/') ? values.url : `${values.url}/`;
  let failures = 0;

  const openApiReply = await exchange(base, 'GET', OPENAPI_PATH.slice(1));
  const asyncApiReply = await exchange(base, 'GET', ASYNCAPI_PATH.slice(1));
  if (openApiReply.status !== 200 || asyncApiReply.status !== 200) {
    console.log(`FAIL the documents: ${OPENAPI_PATH} answered ${openApiReply.status}, ${ASYNCAPI_PATH} ${asyncApiReply.status}`);
    return 1;
  }
  const openApi = JSON.parse(openApiReply.text) as Json;
  const asyncApi = JSON.parse(asyncApiReply.text) as Json;
  const oracle = contractOracle(openApi, asyncApi);
  failures += report(`GET ${OPENAPI_PATH} keeps to the document it serves`, oracle.httpViolations({ ...openApiReply, path: OPENAPI_PATH }));
  failures += report(`GET ${ASYNCAPI_PATH} keeps to the OpenAPI document`, oracle.httpViolations({ ...asyncApiReply, path: ASYNCAPI_PATH }));

  const { diagnostics } = await new Parser().parse(asyncApiReply.text);
  failures += report(
    'the AsyncAPI document is valid (@asyncapi/parser)',
    diagnostics.filter((diagnostic) => diagnostic.severity <= 1).map((diagnostic) => `${diagnostic.code}: ${diagnostic.message}`),
  );

  const body = values.body ? readFileSync(values.body, 'utf8') : JSON.stringify(SEED_BODY);
  const headers = values.token ? seedHeaders(values.token) : { 'Content-Type': 'application/json', Accept: 'application/json' };
  const seed = await exchange(base, 'POST', SEED_PATH, { headers, body });
  failures += report(`POST ${SEED_PATH} (the published request) answered ${seed.status}, as documented`, oracle.httpViolations(seed));
  if (values.token) failures += report('a ping over the WebSocket is answered as documented', await pingOverWebSocket(asyncApi, values.token, oracle));

  // The stage may run another version than this checkout: worth knowing, not a violation.
  const { servers: _servers, ...served } = openApi;
  const { servers: _local, ...generated } = openApiDocument();
  if (!isDeepStrictEqual(served, JSON.parse(JSON.stringify(generated)))) console.log(`note: the served OpenAPI document differs from this checkout's`);
  const { servers: _asyncServers, ...servedAsync } = asyncApi;
  const { servers: _asyncLocal, ...generatedAsync } = asyncApiDocument();
  if (!isDeepStrictEqual(servedAsync, JSON.parse(JSON.stringify(generatedAsync)))) console.log(`note: the served AsyncAPI document differs from this checkout's`);

  console.log(failures === 0 ? 'contract: kept' : `contract: ${failures} violation(s)`);
  return failures === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(2);
  },
);
