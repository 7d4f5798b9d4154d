import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../../functions/openApi/handler';
import { openApiDocument } from '../../lib/openapi/document';
import { serverUrlOf } from '../../lib/openapi/serverUrl';
import { loadServerlessConfig } from '../../scripts/local/serverlessConfig';
import { lambdaContext } from '../support/lambda';
import { withEnv } from '../support/env';

const document = openApiDocument();

/** The documents' own routes are named for what they return, not after their functions. */
const DOCUMENT_OPERATIONS: Record<string, string> = {
  'get /api/v1/openapi.json': 'getOpenApiDocument',
  'get /api/v1/asyncapi.json': 'getAsyncApiDocument',
};

describe('the OpenAPI document', () => {
  it('documents every HTTP route serverless.yml deploys, and only those', () => {
    const config = loadServerlessConfig() as { functions: Record<string, { events?: Array<{ httpApi?: { method: string; path: string } }> }> };
    const deployed = Object.values(config.functions)
      .flatMap((fn) => fn.events ?? [])
      .flatMap((event) => (event.httpApi ? [`${event.httpApi.method.toLowerCase()} ${event.httpApi.path}`] : []))
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(deployed);
  });

  it("names every operation after the function serving it, and has servers and a license", () => {
    const config = loadServerlessConfig() as { functions: Record<string, { events?: Array<{ httpApi?: { method: string; path: string } }> }> };
    const functionOf = Object.fromEntries(
      Object.entries(config.functions).flatMap(([name, fn]) =>
        (fn.events ?? []).flatMap((event) => (event.httpApi ? [[`${event.httpApi.method.toLowerCase()} ${event.httpApi.path}`, name]] : [])),
      ),
    );
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, operationId: (operation as { operationId?: string }).operationId })),
    );
    for (const { route, operationId } of operations) {
      expect(`${route} ${operationId}`).toBe(`${route} ${DOCUMENT_OPERATIONS[route] ?? functionOf[route]}`);
    }
    expect(new Set(operations.map(({ operationId }) => operationId)).size).toBe(operations.length);
    expect(document.servers).toEqual([{ url: 'http://127.0.0.1:3000' }]);
    expect(openApiDocument({ serverUrl: 'https://api.example.com' }).servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(document.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
  });

  it('takes the startChat body from the validating schema: the eight published fields are required', () => {
    const { $ref } = (document.paths['/api/v1/chat/startChat']!.post as any).requestBody.content['application/json'].schema;
    const body = (document.components.schemas as Record<string, any>)[$ref.replace('#/components/schemas/', '')];
    expect(body.required.sort()).toEqual(
      ['client_id', 'db_name', 'order_id', 'order_vendor_id', 'sub_domain', 'type', 'user_id', 'vendor_id'].sort(),
    );
    expect(body.properties.type.enum).toContain('agent-to-user');
    expect(body.properties.order_id.anyOf).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'integer' }), expect.objectContaining({ type: 'string', pattern: '^\\s*(?:[1-9][0-9]*)\\s*$' })]),
    );
  });

  it('marks path parameters as such', () => {
    const get = document.paths['/api/v1/chat/rooms/{_id}/messages']!.get as any;
    expect(get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '_id', in: 'path', required: true }),
        expect.objectContaining({ name: 'limit', in: 'query' }),
      ]),
    );
  });

  it('names the configured public URL as its server, whatever Host and X-Forwarded-Proto say', async () => {
    const forged = {
      version: '2.0',
      routeKey: 'GET /api/v1/openapi.json',
      rawPath: '/api/v1/openapi.json',
      headers: { host: 'evil.example', 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example' },
      requestContext: { http: { method: 'GET', path: '/api/v1/openapi.json' } },
    } as unknown as APIGatewayProxyEventV2;
    const servers = async (publicApiUrl: string | undefined) => {
      const response = await withEnv({ PUBLIC_API_URL: publicApiUrl }, () => handler(forged, lambdaContext('openApi') as Context));
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('evil.example');
      expect(response.body).not.toContain('javascript:');
      return JSON.parse(response.body).servers;
    };
    expect(await servers('https://abc123.execute-api.us-east-1.amazonaws.com')).toEqual([{ url: 'https://abc123.execute-api.us-east-1.amazonaws.com' }]);
    // Unconfigured: relative, so a client resolves it against where it fetched the document.
    expect(await servers(undefined)).toEqual([{ url: '/' }]);
  });

  it('takes only an http(s) URL as the server, without a trailing slash', () => {
    expect(serverUrlOf('https://chat.example.com/')).toBe('https://chat.example.com');
    expect(serverUrlOf('https://chat.example.com/v1/')).toBe('https://chat.example.com/v1');
    expect(serverUrlOf('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    for (const bad of ['javascript://evil.example/%0aalert(1)', 'not a url', '', undefined]) expect(serverUrlOf(bad)).toBe('/');
  });

  it('is told the stage\'s API endpoint by serverless.yml, never left to the request', () => {
    const config = loadServerlessConfig() as { params: Record<string, Record<string, unknown>>; functions: Record<string, { environment?: Record<string, unknown> }> };
    expect(config.functions.openApi!.environment).toEqual({ PUBLIC_API_URL: '${param:publicApiUrl}' });
    expect(config.params.default!.publicApiUrl).toEqual({ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
  });
});
