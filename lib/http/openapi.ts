import { z } from 'zod';
import { ERROR_STATUS } from '../errors';
import { listMessagesParams } from '../messages/listMessagesParams';
import { sendMessageRequest } from '../messages/sendMessageRequest';
import { fetchRoomByUserAgentRequest } from '../rooms/fetchRoomByUserAgentRequest';
import { reassignParticipantParams, reassignParticipantRequest } from '../rooms/reassignParticipantRequest';
import { listRoomsParams, roomPathParams } from '../rooms/roomParams';
import { startChatRequest } from '../rooms/startChatRequest';

interface Route {
  method: 'get' | 'post' | 'put';
  path: string;
  summary: string;
  body?: z.ZodType;
  params?: z.ZodObject;
  success: number;
}

/** The routes and the very schemas their handlers validate with: the document cannot drift from the code. */
export const ROUTES: Route[] = [
  { method: 'post', path: '/api/v1/chat/startChat', summary: 'Get or create the room of an order conversation', body: startChatRequest, success: 200 },
  { method: 'post', path: '/api/room/fetchRoomByUserAgent', summary: "An agent's rooms with their participants (platform-compatible)", body: fetchRoomByUserAgentRequest, success: 200 },
  { method: 'get', path: '/api/v1/chat/rooms', summary: "The caller's rooms, newest activity first", params: listRoomsParams, success: 200 },
  { method: 'get', path: '/api/v1/chat/rooms/{_id}', summary: 'One room with its participants', params: roomPathParams, success: 200 },
  { method: 'post', path: '/api/v1/chat/rooms/{_id}/messages', summary: 'Send a message (idempotent by client_message_id)', params: roomPathParams, body: sendMessageRequest, success: 201 },
  { method: 'get', path: '/api/v1/chat/rooms/{_id}/messages', summary: 'Page messages, newest first', params: listMessagesParams, success: 200 },
  { method: 'post', path: '/api/v1/chat/rooms/{_id}/close', summary: 'Close a room', params: roomPathParams, success: 200 },
  {
    method: 'put',
    path: '/api/v1/chat/rooms/{_id}/participants/{role}',
    summary: "Give a room's slot to another user (admin only; the previous holder loses access)",
    params: reassignParticipantParams,
    body: reassignParticipantRequest,
    success: 200,
  },
];

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
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

/** OpenAPI 3.1 for the HTTP API, built from the zod schemas the handlers use. */
export const openApiDocument = () => ({
  openapi: '3.1.0',
  info: { title: 'chat-rooms', version: '1.0.0', description: 'Multi-tenant chat rooms for marketplace orders.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (HS256, per-tenant key)' } },
    schemas: { Error: errorBody },
  },
  security: [{ bearer: [] }],
  paths: ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
    const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        summary: route.summary,
        parameters: parameters(route),
        ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }),
        responses: { [route.success]: { description: 'Success' }, '4XX': errorResponse },
      },
    };
    return paths;
  }, {}),
});
