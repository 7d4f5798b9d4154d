import { openApiDocument } from '../../lib/openapi/document';
import { get } from '../support/api';
import { rawRequest } from '../support/rawHttp';

describe('GET /api/v1/openapi.json', () => {
  it('serves the generated document without a token, cacheable, naming the local stack as its server', async () => {
    const reply = await get('/api/v1/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.json).toEqual(openApiDocument({ serverUrl: process.env.API_URL! }));
    expect(reply.json.paths['/api/v1/openapi.json'].get.security).toEqual([]);
  });

  it('ignores a token, even an invalid one: the document is the same for everyone', async () => {
    const reply = await get('/api/v1/openapi.json', { Authorization: 'Bearer not-a-token' });
    expect(reply.status).toBe(200);
    expect(reply.json.info.title).toBe('chat-rooms');
  });

  it('names the configured server whatever the request says it was sent to', async () => {
    const host = new URL(process.env.API_URL!).host;
    const forged = await rawRequest(`${process.env.API_URL}/api/v1/openapi.json`, {
      headers: { Host: host, 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-Host': 'evil.example', Forwarded: 'host=evil.example;proto=javascript' },
    });
    expect(forged.status).toBe(200);
    expect(forged.json.servers).toEqual([{ url: process.env.API_URL }]);
    // A Host that is not the stack's is not answered at all (the unit test feeds one to the handler itself).
    const rebound = await rawRequest(`${process.env.API_URL}/api/v1/openapi.json`, { headers: { Host: 'evil.example', 'X-Forwarded-Proto': 'javascript' } });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('evil.example');
  });
});
