import packageJson from '../../package.json';
import type * as z from '../zod';
import { messageDataSchema } from '../messages/messageSchemas';
import {
  errorFrame,
  messageCreatedEvent,
  messageDeletedEvent,
  messageUpdatedEvent,
  participantReassignedEvent,
  pingAction,
  pongEvent,
  roomClosedEvent,
  roomOpenedEvent,
  roomReadEvent,
} from '../realtime/eventSchemas';
import { roomDataSchema } from '../rooms/roomSchemas';
import { toJsonSchemas } from './jsonSchema';

interface Frame {
  /** The frame's `event` (server to client) or `action` (client to server). */
  name: string;
  title: string;
  summary: string;
  payload: z.ZodMiniType;
}

/** What the service pushes to a connection, each in reaction to a change made over HTTP. */
const SERVER_EVENTS: Record<string, Frame> = {
  messageCreated: { name: 'message.created', title: 'Message created', summary: 'A participant sent a message (sendMessage).', payload: messageCreatedEvent },
  messageUpdated: {
    name: 'message.updated',
    title: 'Message updated',
    summary: "Its sender edited a message (editMessage); the room's preview follows when it is the newest message.",
    payload: messageUpdatedEvent,
  },
  messageDeleted: {
    name: 'message.deleted',
    title: 'Message deleted',
    summary: "Its sender or an admin deleted a message (deleteMessage): only its tombstone remains; the room's preview follows when it is the newest message.",
    payload: messageDeletedEvent,
  },
  roomRead: { name: 'room.read', title: 'Room read', summary: "A participant's read cursor moved forward (markRoomRead).", payload: roomReadEvent },
  roomClosed: { name: 'room.closed', title: 'Room closed', summary: 'The room was closed (closeRoom).', payload: roomClosedEvent },
  roomOpened: { name: 'room.opened', title: 'Room opened', summary: 'startChat reopened a closed room.', payload: roomOpenedEvent },
  participantReassigned: {
    name: 'participant.reassigned',
    title: 'Participant reassigned',
    summary:
      "An admin gave a slot to someone else (reassignParticipant). Sent to the room's participants after the change, the new holder included; the previous holder is no longer one and hears nothing.",
    payload: participantReassignedEvent,
  },
};

/** The answers to a client's frame. */
const REPLIES: Record<string, Frame> = {
  pong: { name: 'pong', title: 'Pong', summary: 'The answer to a ping.', payload: pongEvent },
  error: {
    name: 'error',
    title: 'Error',
    summary: "The answer to a frame that is not JSON or not a known action, and to every frame once the connection's token has expired.",
    payload: errorFrame,
  },
};

const CLIENT_ACTIONS: Record<string, Frame> = {
  ping: { name: 'ping', title: 'Ping', summary: 'Keeps the connection alive (API Gateway closes idle ones after 10 minutes).', payload: pingAction },
};

const ALL_FRAMES = { ...SERVER_EVENTS, ...REPLIES, ...CLIENT_ACTIONS };

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

const LOCAL_ENDPOINT = 'http://127.0.0.1:3001';

const parsed = (endpoint: string | undefined): URL => {
  try {
    return new URL(endpoint ?? LOCAL_ENDPOINT);
  } catch {
    return new URL(LOCAL_ENDPOINT);
  }
};

/** Where clients connect, from the WebSocket API's management endpoint (https → wss, http → ws). */
export const websocketServer = (endpoint: string | undefined) => {
  const url = parsed(endpoint);
  return { host: url.host, protocol: url.protocol === 'https:' ? 'wss' : 'ws', pathname: url.pathname === '/' ? undefined : url.pathname.replace(/\/+$/, '') };
};

interface AsyncApiOptions {
  /** The WebSocket API's endpoint (config.websocketEndpoint). */
  websocketEndpoint?: string;
}

const CHANNEL = { $ref: '#/channels/rooms' };
const channelMessage = (key: string) => ({ $ref: `#/channels/rooms/messages/${key}` });

/** The one channel: a connection carries every frame, authenticated at the upgrade. */
const roomsChannel = () => ({
  address: '/',
  title: 'Rooms',
  description: "One connection per client; it carries the events of every room of the token's person.",
  servers: [{ $ref: '#/servers/api' }],
  messages: Object.fromEntries(Object.keys(ALL_FRAMES).map((key) => [key, { $ref: `#/components/messages/${key}` }])),
  bindings: {
    ws: {
      method: 'GET',
      query: {
        type: 'object',
        properties: { token: { type: 'string', description: 'The JWT (browsers cannot set headers on a WebSocket)' } },
      },
      headers: {
        type: 'object',
        properties: { Authorization: { type: 'string', description: '`Bearer <jwt>` or the bare JWT, when there is no `?token=`' } },
      },
      bindingVersion: '0.1.0',
    },
  },
});

/** The service `send`s each event, and `receive`s pings, replying pong or error. */
const operations = () => ({
  ...Object.fromEntries(
    Object.entries(SERVER_EVENTS).map(([key, frame]) => [
      `send${pascal(key)}`,
      { action: 'send', channel: CHANNEL, title: frame.title, summary: frame.summary, messages: [channelMessage(key)] },
    ]),
  ),
  receivePing: {
    action: 'receive',
    channel: CHANNEL,
    title: 'Ping',
    summary: 'A client keeps its connection alive; every frame gets one answer.',
    messages: [channelMessage('ping')],
    reply: { channel: CHANNEL, messages: Object.keys(REPLIES).map(channelMessage) },
  },
});

const components = () => ({
  schemas: toJsonSchemas(
    {
      RoomData: roomDataSchema,
      MessageData: messageDataSchema,
      ...Object.fromEntries(Object.entries(ALL_FRAMES).map(([key, frame]) => [pascal(key), frame.payload])),
    },
    'output',
  ),
  messages: Object.fromEntries(
    Object.entries(ALL_FRAMES).map(([key, frame]) => [
      key,
      { name: frame.name, title: frame.title, summary: frame.summary, contentType: 'application/json', payload: { $ref: `#/components/schemas/${pascal(key)}` } },
    ]),
  ),
  securitySchemes: {
    queryToken: { type: 'httpApiKey', name: 'token', in: 'query', description: 'The JWT as `?token=`; it wins over the header' },
    authorizationHeader: { type: 'httpApiKey', name: 'Authorization', in: 'header', description: '`Bearer <jwt>`, or the bare JWT' },
  },
});

/**
 * AsyncAPI 3.0 for the WebSocket API, from the zod schemas of its frames (lib/realtime/eventSchemas.ts,
 * which build on the HTTP API's roomData and messageData). It describes the service: it `send`s
 * the events and `receive`s pings, replying pong or error.
 */
export const asyncApiDocument = ({ websocketEndpoint }: AsyncApiOptions = {}) => {
  const { pathname, ...server } = websocketServer(websocketEndpoint);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'chat-rooms realtime',
      version: packageJson.version,
      description:
        "Live events of the chat rooms. A connection authenticates once, at the upgrade, with the same JWT as the HTTP API, and from then on hears every room its person takes part in: each change made over HTTP is pushed as JSON text frames. A missing, forged or expired token is refused with 401, a suspended tenant with 403. The connection ends when its token expires. Events may arrive twice: `event_id` names the fact, so drop the ids you have seen.",
      contact: { name: 'chat-rooms maintainers' },
      license: { name: packageJson.license },
      tags: [{ name: 'rooms', description: 'Room events' }],
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        ...server,
        ...(pathname && { pathname }),
        description: "The stage's WebSocket API",
        security: [{ $ref: '#/components/securitySchemes/queryToken' }, { $ref: '#/components/securitySchemes/authorizationHeader' }],
      },
    },
    channels: { rooms: roomsChannel() },
    operations: operations(),
    components: components(),
  };
};
