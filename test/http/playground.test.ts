import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ownAssetFiles } from '../../playground/assets';
import { LOCAL_TENANTS } from '../../scripts/local/seed';
import { get, post, SEED_BODY, SEED_PATH } from '../support/api';
import { rawRequest } from '../support/rawHttp';
import { api, expectError } from './chatApi';

const PAGE_BUDGET_BYTES = 300 * 1024;

/** What the playground page sends with a token request. */
const PAGE_HEADERS = { 'X-Playground': '1' };
const mint = (body: unknown, headers: Record<string, string> = PAGE_HEADERS) => post('/playground/tokens', body, headers);

describe('the playground route on the local stack', () => {
  it('serves the page with a policy that allows only its own origin', async () => {
    const page = await get('/playground');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<title>chat-rooms playground</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves the docs page and Swagger UI from the stack itself (no CDN)', async () => {
    const docs = await get('/playground/docs');
    expect(docs.status).toBe(200);
    const sources = [...docs.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.filter((source) => !source.startsWith('data:'))).toEqual(expect.arrayContaining(['/playground/swagger-ui-bundle.js', '/playground/swagger-ui.css']));
    for (const source of sources) expect(source).toMatch(/^(\/|data:)/);
    const bundle = await get('/playground/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers a name it does not serve with a JSON 404, never a file from elsewhere', async () => {
    for (const name of ['nope.js', '..%2Fpackage.json', 'assets.ts', 'openapi.json']) {
      const reply = await get(`/playground/${name}`);
      expect({ name, status: reply.status, code: reply.json?.code }).toEqual({ name, status: 404, code: 'NOT_FOUND' });
    }
  });

  it("gives the page the seed request and the local tenants' identifiers, never a tenant key", async () => {
    const config = await get('/playground/config.json');
    expect(config.status).toBe(200);
    expect(config.json.seed).toMatchObject({ path: SEED_PATH, body: SEED_BODY });
    expect(config.json.tenants.map((tenant: { client_id: string }) => tenant.client_id)).toEqual(LOCAL_TENANTS.map((tenant) => tenant.client_id));
    for (const secret of LOCAL_TENANTS.flatMap((tenant) => tenant.jwt_secrets)) expect(config.text).not.toContain(secret);
  });

  it('mints a development token the API accepts for that participant', async () => {
    const minted = await mint({ client_id: 2, role: 'user', user_id: '42' });
    expect(minted.status).toBe(200);
    expect(minted.json).toMatchObject({
      participant: { client_id: '2', role: 'user', user_id: '42' },
      tenant: { client_id: '2', sub_domain: 'ace.localhost', db_name: 'ace' },
    });
    for (const secret of LOCAL_TENANTS.flatMap((tenant) => tenant.jwt_secrets)) expect(minted.text).not.toContain(secret);
    const rooms = await api('GET', '/api/v1/chat/rooms', minted.json.token);
    expect(rooms.status).toBe(200);
  });

  it('refuses a token for a tenant or role that does not exist, naming the field', async () => {
    const reply = (body: unknown) => mint(body).then((response) => ({ status: response.status, headers: response.headers, body: response.json }));
    expectError(await reply({ client_id: 9, role: 'agent', user_id: '1' }), 400, 'VALIDATION_ERROR', 'client_id');
    expectError(await reply({ client_id: 1, role: 'boss', user_id: '1' }), 400, 'VALIDATION_ERROR', 'role');
    expectError(await reply({ client_id: 1, role: 'agent', user_id: 'x' }), 400, 'VALIDATION_ERROR', 'user_id');
  });

  it('mints only for its own page, with its own Origin or none', async () => {
    const origin = new URL(process.env.API_URL!).origin;
    const localhost = origin.replace('127.0.0.1', 'localhost');
    for (const headers of [PAGE_HEADERS, { ...PAGE_HEADERS, Origin: origin }, { ...PAGE_HEADERS, Origin: localhost }]) {
      const minted = await mint({ client_id: 1, role: 'agent', user_id: '133' }, headers);
      expect({ headers, status: minted.status }).toEqual({ headers, status: 200 });
    }
  });

  it('refuses a token request without X-Playground: 1, the one a cross-site form sends', async () => {
    for (const headers of [{}, { 'X-Playground': '0' }] as Record<string, string>[]) {
      const reply = await mint({ client_id: 1, role: 'admin', user_id: '1' }, headers);
      expect(reply.status).toBe(403);
      expect(reply.json).toMatchObject({ code: 'FORBIDDEN', errors: [{ path: 'X-Playground' }] });
      expect(reply.json.token).toBeUndefined();
    }
    // A form's text/plain body, as a cross-site form posts it.
    const form = await post('/playground/tokens', '{"client_id":1,"role":"admin","user_id":"1"}', { 'Content-Type': 'text/plain' });
    expect(form.status).toBe(403);
    expect(form.text).not.toContain('"token"');
  });

  it('refuses another site: no token, no CORS answer, and its preflight refused', async () => {
    const evil = 'http://evil.example';
    const reply = await mint({ client_id: 1, role: 'admin', user_id: '1' }, { ...PAGE_HEADERS, Origin: evil });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({ code: 'FORBIDDEN', errors: [{ path: 'Origin' }] });
    expect(reply.text).not.toContain('"token"');
    const preflight = await rawRequest(`${process.env.API_URL}/playground/tokens`, {
      method: 'OPTIONS',
      headers: { Host: new URL(process.env.API_URL!).host, Origin: evil, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-playground' },
    });
    expect(preflight.status).toBe(403);
    for (const answer of [reply.headers, preflight.headers]) {
      expect(Object.keys(answer).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    // The API's routes too: another site reads nothing of an answer.
    const config = await get('/playground/config.json', { Origin: evil });
    expect(config.headers['access-control-allow-origin']).toBeUndefined();
    expect(config.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it("answers CORS to the page's own origin only", async () => {
    const own = new URL(process.env.API_URL!).origin;
    const preflight = await rawRequest(`${process.env.API_URL}/playground/tokens`, {
      method: 'OPTIONS',
      headers: { Host: new URL(own).host, Origin: own, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-playground' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe(own);
  });

  it('refuses a suspended tenant', async () => {
    const suspended = LOCAL_TENANTS.find((tenant) => tenant.status === 'suspended')!;
    const reply = await mint({ client_id: suspended.client_id, role: 'admin', user_id: '1' });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({ code: 'TENANT_SUSPENDED' });
    expect(reply.text).not.toContain('"token"');
  });

  it('refuses a Host that is not this stack by a loopback name (DNS rebinding), on every route', async () => {
    const port = new URL(process.env.API_URL!).port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`]) {
      for (const [method, path, body] of [['POST', '/playground/tokens', '{"client_id":1,"role":"admin","user_id":"1"}'], ['GET', '/playground/config.json', undefined]] as const) {
        const reply = await rawRequest(`${process.env.API_URL}${path}`, {
          method,
          headers: { Host: host, 'X-Playground': '1', ...(body && { 'Content-Type': 'application/json' }) },
          body,
        });
        expect({ host, path, status: reply.status, code: reply.json?.code }).toEqual({ host, path, status: 403, code: 'FORBIDDEN' });
        expect(reply.text).not.toContain('"token"');
      }
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const reply = await rawRequest(`${process.env.API_URL}/playground/config.json`, { headers: { Host: host } });
      expect({ host, status: reply.status }).toEqual({ host, status: 200 });
    }
  });

  it("keeps the page's own files under 300 KB", () => {
    const files = ownAssetFiles();
    // Every file of the page is served (and so weighed); a module missing from the list would not load.
    const publicDirectory = path.join(__dirname, '..', '..', 'playground', 'public');
    expect(files.map((file) => path.basename(file)).sort()).toEqual(readdirSync(publicDirectory).sort());
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(bytes).toBeLessThan(PAGE_BUDGET_BYTES);
  });
});
