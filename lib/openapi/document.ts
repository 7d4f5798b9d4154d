import * as z from '../zod';
import { ERROR_STATUS } from '../errors';
import packageJson from '../../package.json';
import { listMessagesParams } from '../messages/listMessagesParams';
import { sendMessageRequest } from '../messages/sendMessageRequest';
import { fetchRoomByUserAgentRequest } from '../rooms/fetchRoomByUserAgentRequest';
import { reassignParticipantParams, reassignParticipantRequest } from '../rooms/reassignParticipantRequest';
import { markRoomReadRequest } from '../rooms/markRoomReadRequest';
import { listRoomsParams, roomPathParams } from '../rooms/roomParams';
import { fetchRoomByUserAgentResponse, markRoomReadResponse, roomResponse, roomsResponse } from '../rooms/roomViewSchema';
import { startChatRequest } from '../rooms/startChatRequest';

interface Route {
  method: 'get' | 'post' | 'put';
  path: string;
  /** The serverless.yml function serving the route: client generators name their methods after it. */
  operationId: string;
  summary: string;
  body?: z.ZodMiniType;
  params?: z.ZodMiniObject;
  success: number;
  /** The success body, where documented. */
  response?: z.ZodMiniType;
}

/** The routes and the very schemas their handlers validate with: the document cannot drift from the code. */
export const ROUTES: Route[] = [
  { method: 'post', path: '/api/v1/chat/startChat', operationId: 'startChat', summary: 'Get or create the room of an order conversation', body: startChatRequest, success: 200 },
  { method: 'post', path: '/api/room/fetchRoomByUserAgent', operationId: 'fetchRoomByUserAgent', summary: "An agent's rooms with their participants (platform-compatible)", body: fetchRoomByUserAgentRequest, success: 200, response: fetchRoomByUserAgentResponse },
  { method: 'get', path: '/api/v1/chat/rooms', operationId: 'listRooms', summary: "The caller's rooms, newest activity first", params: listRoomsParams, success: 200, response: roomsResponse },
  { method: 'get', path: '/api/v1/chat/rooms/{_id}', operationId: 'getRoom', summary: 'One room with its participants', params: roomPathParams, success: 200, response: roomResponse },
  { method: 'post', path: '/api/v1/chat/rooms/{_id}/messages', operationId: 'sendMessage', summary: 'Send a message (idempotent by client_message_id)', params: roomPathParams, body: sendMessageRequest, success: 201 },
  { method: 'get', path: '/api/v1/chat/rooms/{_id}/messages', operationId: 'listMessages', summary: 'Page messages, newest first', params: listMessagesParams, success: 200 },
  { method: 'post', path: '/api/v1/chat/rooms/{_id}/close', operationId: 'closeRoom', summary: 'Close a room', params: roomPathParams, success: 200 },
  {
    method: 'post',
    path: '/api/v1/chat/rooms/{_id}/read',
    operationId: 'markRoomRead',
    summary: 'Mark the room read up to a message (participants only; the cursor only moves forward)',
    params: roomPathParams,
    body: markRoomReadRequest,
    success: 200,
    response: markRoomReadResponse,
  },
  {
    method: 'put',
    path: '/api/v1/chat/rooms/{_id}/participants/{role}',
    operationId: 'reassignParticipant',
    summary: "Give a room's slot to another user (admin only; the previous holder loses access)",
    params: reassignParticipantParams,
    body: reassignParticipantRequest,
    success: 200,
  },
];

const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output' = 'input') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const parameters = (route: Route) => {
  if (!route.params) return [];
  const schema = jsonSchema(route.params) as { properties: Record<string, object>; required?: string[] };
  return Object.entries(schema.properties).map(([name, property]) => {
    const inPath = route.path.includes(`{${name}}`);
    return { name, in: inPath ? 'path' : 'query', required: inPath || (schema.required ?? []).includes(name), schema: property };
  });
};

const errorBody = {
  type: 'object',
  required: ['message', 'status', 'code'],
  properties: {
    message: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Sent with 429 and 503: when the request may be sent again. */
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before sending again', schema: { type: 'integer', minimum: 1 } } };

/** The route serving this document: public (no token), cacheable. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

export interface DocumentOptions {
  /** Where the API answers; the served document names the host it was fetched from. */
  serverUrl?: string;
}

const jsonContent = (schema: object) => ({ 'application/json': { schema } });

/**
 * OpenAPI 3.1 for the HTTP API, composed from the zod schemas the handlers validate with. It lives
 * outside lib/http: it knows every use case's schema, which the transport layer must not.
 */
export const openApiDocument = ({ serverUrl = 'http://127.0.0.1:3000' }: DocumentOptions = {}) => ({
  openapi: '3.1.0',
  info: {
    title: 'chat-rooms',
    version: packageJson.version,
    description: 'Multi-tenant chat rooms for marketplace orders.',
    license: { name: packageJson.license, identifier: packageJson.license },
  },
  servers: [{ url: serverUrl }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (per-tenant key)' } },
    schemas: { Error: errorBody },
  },
  security: [{ bearer: [] }],
  paths: {
    ...ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
      const errorResponse = { description: 'Error', content: jsonContent({ $ref: '#/components/schemas/Error' }) };
      paths[route.path] = {
        ...paths[route.path],
        [route.method]: {
          operationId: route.operationId,
          summary: route.summary,
          parameters: parameters(route),
          ...(route.body && { requestBody: { required: true, content: jsonContent(jsonSchema(route.body)) } }),
          responses: {
            [route.success]: {
              description: 'Success',
              ...(route.response && { content: jsonContent(jsonSchema(route.response, 'output')) }),
            },
            '4XX': errorResponse,
            '503': { ...errorResponse, description: 'The store is failing (throttled, unreachable); send again after Retry-After seconds', headers: RETRY_AFTER },
          },
        },
      };
      return paths;
    }, {}),
    [OPENAPI_PATH]: {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        security: [],
        responses: {
          200: { description: 'The OpenAPI document', content: jsonContent({ type: 'object' }) },
          '4XX': { description: 'Error', content: jsonContent({ $ref: '#/components/schemas/Error' }) },
        },
      },
    },
  } as Record<string, Record<string, unknown>>,
});
