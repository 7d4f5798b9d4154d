import { openApiDocument } from '../../lib/openapi/document';
import { get } from '../support/api';

describe('GET /api/v1/openapi.json', () => {
  it('serves the generated document without a token, cacheable, naming the host it was fetched from', async () => {
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
});
