import { asyncApiDocument } from '../../lib/openapi/asyncApiDocument';
import { get } from '../support/api';

describe('GET /api/v1/asyncapi.json', () => {
  it("serves the generated WebSocket document without a token, cacheable, naming the stack's WebSocket endpoint", async () => {
    const reply = await get('/api/v1/asyncapi.json', { Authorization: 'Bearer not-a-token' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    const ws = new URL(process.env.WS_URL!);
    expect(reply.json).toEqual(asyncApiDocument({ websocketEndpoint: `http://${ws.host}` }));
    expect(reply.json.servers.api).toMatchObject({ host: ws.host, protocol: 'ws' });
  });
});
