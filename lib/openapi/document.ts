import packageJson from '../../package.json';
import { errorResponses, errorSchemas } from './errorResponses';
import { toJsonSchema, toJsonSchemas } from './jsonSchema';
import { messageDataSchema } from '../messages/messageSchemas';
import { lastMessageSchema, participantSchema, roomDataSchema, roomViewSchema, roomWithUsersSchema } from '../rooms/roomSchemas';
import { errorCodesOf, PARAMETER_DESCRIPTIONS, ROUTES, TAGS, type Route } from './routes';
import { webhookOperations, webhookSchemas } from '../webhooks/webhookDocument';

type JsonSchema = Record<string, any>;

/** The route serving this document: public (no token), cacheable. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The route serving the WebSocket API's AsyncAPI document. */
export const ASYNCAPI_PATH = '/api/v1/asyncapi.json';

export interface DocumentOptions {
  /** Where the API answers: the configured public base URL (lib/openapi/serverUrl.ts). */
  serverUrl?: string;
}

const jsonContent = (schema: object) => ({ 'application/json': { schema } });

/** The headers the published page sends with every request; the service needs none of them. */
const PLATFORM_HEADERS = [
  { name: 'client', description: "The tenant's code, as the platform's clients send it; the tenant is named by the body" },
  { name: 'language', description: 'A language id, as the platform\'s clients send it' },
  { name: 'currency', description: 'A currency code, as the platform\'s clients send it' },
].map(({ name, description }) => ({ name, in: 'header', required: false, description: `${description}. Accepted and ignored.`, schema: { type: 'string' } }));

const parameters = (route: Route) => {
  const platform = route.tag === 'Platform' ? PLATFORM_HEADERS : [];
  if (!route.params) return platform;
  const schema = toJsonSchema(route.params, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
  return [
    ...Object.entries(schema.properties).map(([name, { description, ...property }]) => {
      const inPath = route.path.includes(`{${name}}`);
      return {
        name,
        in: inPath ? 'path' : 'query',
        required: inPath || (schema.required ?? []).includes(name),
        description: description ?? PARAMETER_DESCRIPTIONS[`${route.operationId} ${name}`] ?? PARAMETER_DESCRIPTIONS[name] ?? name,
        schema: property,
      };
    }),
    ...platform,
  ];
};

const NOT_STORED = { 'Cache-Control': { description: 'Chat data is personal: never stored', schema: { type: 'string', const: 'no-store' } } };

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The parts of the bodies several operations share, each written once under its name. */
const SHARED_SCHEMAS = {
  RoomData: roomDataSchema,
  Participant: participantSchema,
  RoomWithUsers: roomWithUsersSchema,
  LastMessage: lastMessageSchema,
  RoomView: roomViewSchema,
  MessageData: messageDataSchema,
};

/** Request bodies as `<OperationId>Request`, success bodies as `<OperationId>Response`. */
const bodySchemas = () => ({
  ...toJsonSchemas(Object.fromEntries(ROUTES.flatMap((route) => (route.body ? [[`${pascal(route.operationId)}Request`, route.body]] : []))), 'input'),
  ...toJsonSchemas(
    { ...SHARED_SCHEMAS, ...Object.fromEntries(ROUTES.map((route) => [`${pascal(route.operationId)}Response`, route.success.body])) },
    'output',
  ),
});

const operation = (route: Route) => ({
  operationId: route.operationId,
  tags: [route.tag],
  summary: route.summary,
  description: route.description,
  parameters: parameters(route),
  ...(route.body && { requestBody: { required: true, content: jsonContent(ref(`${pascal(route.operationId)}Request`)) } }),
  responses: {
    [route.success.status]: {
      description: route.success.description,
      headers: NOT_STORED,
      content: jsonContent(ref(`${pascal(route.operationId)}Response`)),
    },
    ...errorResponses(errorCodesOf(route)),
  },
});

/** The two documents themselves: public, the same for everyone, cacheable for five minutes. */
const documentOperation = (operationId: string, summary: string, body: JsonSchema) => ({
  get: {
    operationId,
    tags: ['Documents'],
    summary,
    description: 'Public (no token), generated from the schemas the handlers validate with and answer by.',
    security: [],
    responses: {
      200: {
        description: summary,
        headers: { 'Cache-Control': { description: 'Five minutes', schema: { type: 'string', const: 'public, max-age=300' } } },
        content: jsonContent(body),
      },
      // These routes answer no 4XX of their own; the stage's throttling is API Gateway's.
      429: {
        description: "The stage's request rate is exceeded; API Gateway answers before the function runs",
        content: jsonContent({ type: 'object', required: ['message'], properties: { message: { type: 'string', const: 'Too Many Requests' } } }),
      },
      ...errorResponses(['INTERNAL_ERROR']),
    },
  },
});

const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "`Authorization: Bearer <jwt>`: a JWT signed with the tenant's key" },
  token: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'The same JWT without `Bearer `, as the published startChat page sends it (`Authorization: {{Authorization}}`)',
  },
};

const build = () => ({
  openapi: '3.1.0',
  info: {
    title: 'chat-rooms',
    version: packageJson.version,
    description: `Multi-tenant chat rooms for marketplace orders. Events of the rooms arrive over a WebSocket, described by the AsyncAPI document at \`${ASYNCAPI_PATH}\`.`,
    contact: { name: 'chat-rooms maintainers' },
    license: { name: packageJson.license, identifier: packageJson.license },
  },
  servers: [] as Array<{ url: string }>,
  tags: TAGS,
  components: { securitySchemes: SECURITY_SCHEMES, schemas: { ...bodySchemas(), ...errorSchemas(), ...webhookSchemas() } },
  security: [{ bearer: [] }, { token: [] }],
  // What the service sends to tenants' registered endpoints (docs/webhooks.md).
  webhooks: webhookOperations(),
  paths: {
    ...ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
      paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
      return paths;
    }, {}),
    [OPENAPI_PATH]: documentOperation('getOpenApiDocument', 'This OpenAPI document', {
      type: 'object',
      required: ['openapi', 'info', 'paths'],
      properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
    }),
    [ASYNCAPI_PATH]: documentOperation('getAsyncApiDocument', 'The AsyncAPI 3.0 document of the WebSocket API', {
      type: 'object',
      required: ['asyncapi', 'info', 'channels'],
      properties: { asyncapi: { const: '3.0.0' }, info: { type: 'object' }, channels: { type: 'object' } },
    }),
  } as Record<string, Record<string, unknown>>,
});

/** All but the server, which is the same in every call: converting the schemas is most of the cost. */
let built: ReturnType<typeof build> | undefined;

/**
 * OpenAPI 3.1 for the HTTP API, composed from the zod schemas the handlers validate with (requests)
 * and answer by (responses) and from the error catalogue. It lives outside lib/http: it knows every
 * use case's schema, which the transport layer must not.
 *
 * A fresh copy at each call: callers may change theirs.
 */
export const openApiDocument = ({ serverUrl = 'http://127.0.0.1:3000' }: DocumentOptions = {}) => {
  const document = structuredClone((built ??= build()));
  document.servers = [{ url: serverUrl }];
  return document;
};
