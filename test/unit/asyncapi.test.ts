/**
 * The AsyncAPI document of the WebSocket API: valid under @asyncapi/parser, naming the configured
 * endpoint, and describing exactly the frames the code builds (each builder's output validates,
 * and the oracle refuses what the document does not describe).
 */
import { Parser } from '@asyncapi/parser';
import type { Message } from '../../lib/messages/message';
import { asyncApiDocument, websocketServer } from '../../lib/openapi/asyncApiDocument';
import { answerClientMessage } from '../../lib/realtime/clientMessages';
import { messageCreated, messageDeleted, messageUpdated, participantReassigned, PONG, roomClosed, roomOpened, roomRead, type RealtimeEvent } from '../../lib/realtime/events';
import type { RealtimeEventBody } from '../../lib/realtime/eventSchemas';
import { contractOracle } from '../support/contract';
import { exampleRoom } from '../support/rooms';

/** The events' type and their schemas' output are one type (a compile-time check: tsc fails otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventsMatchSchemas: Same<RealtimeEvent, RealtimeEventBody> = true;

const room = exampleRoom();

const message: Message = {
  _id: '01HZY3Q7V8K2M4N6P8R0S2T4V6',
  room_id: room._id,
  text: 'Hello',
  sender_id: '141',
  sender_type: 'agent',
  created_date: '2023-03-24T10:13:40.620Z',
};

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0: the parser reports no error and no warning', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncApiDocument()));
    // Severity 0 is an error, 1 a warning; below that are hints (such as "3.1 exists").
    expect(diagnostics.filter((diagnostic) => diagnostic.severity <= 1).map((diagnostic) => `${diagnostic.code}: ${diagnostic.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((channel) => channel.address())).toEqual(['/']);
    expect(
      document
        ?.operations()
        .all()
        .map((operation) => `${operation.action()} ${operation.messages().all().map((item) => item.name()).join(',')}`),
    ).toEqual(['send message.created', 'send message.updated', 'send message.deleted', 'send room.read', 'send room.closed', 'send room.opened', 'send participant.reassigned', 'receive ping']);
  });

  it('the parser does report a broken document', async () => {
    const broken = asyncApiDocument() as Record<string, any>;
    broken.operations.sendMessageCreated.action = 'publish';
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.some((diagnostic) => diagnostic.severity === 0)).toBe(true);
  });

  it('names the configured WebSocket endpoint as its server, and both ways of sending the token', () => {
    expect(websocketServer('https://abc.execute-api.eu-west-1.amazonaws.com/prod')).toEqual({
      host: 'abc.execute-api.eu-west-1.amazonaws.com',
      protocol: 'wss',
      pathname: '/prod',
    });
    const document = asyncApiDocument({ websocketEndpoint: 'http://127.0.0.1:4001' });
    expect(document.servers.api).toMatchObject({ host: '127.0.0.1:4001', protocol: 'ws' });
    expect(document.components.securitySchemes).toEqual({
      queryToken: expect.objectContaining({ type: 'httpApiKey', in: 'query', name: 'token' }),
      authorizationHeader: expect.objectContaining({ type: 'httpApiKey', in: 'header', name: 'Authorization' }),
    });
  });

  it('describes every frame the code builds, event_id included', () => {
    expect(eventsMatchSchemas).toBe(true);
    const oracle = contractOracle();
    const reader = { user_type: 'user' as const, user_id: '1' };
    const frames: unknown[] = [
      messageCreated(room, message),
      messageUpdated(room, { ...message, text: 'Hello [phone removed]', edited_date: '2023-03-24T10:14:00.000Z', moderation: { phone: 1 } }),
      messageDeleted(room, { _id: message._id, room_id: message.room_id, sender_id: message.sender_id, sender_type: message.sender_type, created_date: message.created_date, deleted: true, deleted_date: '2023-03-24T10:15:00.000Z' }),
      roomRead(room, reader, message._id),
      roomClosed({ ...room, status: false }),
      roomOpened(room),
      participantReassigned(
        { ...room, participants: { agent: { _id: '641d731dee3408c461095a2c', user_type: 'agent', user_id: '141', created_date: room.updated_date, updated_date: room.updated_date } } },
        'agent',
      ),
      PONG,
      answerClientMessage('{"action":"ping"}', Date.now() / 1000 + 60),
      answerClientMessage('not json', Date.now() / 1000 + 60),
      answerClientMessage('{"action":"dance"}', Date.now() / 1000 + 60),
      answerClientMessage('{"action":"ping"}', Date.now() / 1000 - 60),
    ];
    for (const frame of frames) expect(oracle.frameViolations(JSON.parse(JSON.stringify(frame)))).toEqual([]);
    for (const frame of frames.slice(0, 7)) expect(frame).toEqual(expect.objectContaining({ event_id: expect.any(String) }));
  });

  it('the oracle refuses a frame the document does not describe', () => {
    const oracle = contractOracle();
    const { event_id: _dropped, ...withoutId } = roomClosed(room) as RealtimeEvent & { event_id: string };
    expect(oracle.frameViolations(withoutId)).toEqual([expect.stringContaining('event_id')]);
    expect(oracle.frameViolations({ ...roomOpened(room), extra: 1 })).toEqual([expect.stringContaining('extra')]);
    expect(oracle.frameViolations({ event: 'room.deleted' })).toEqual([expect.stringContaining('no message')]);
  });
});
