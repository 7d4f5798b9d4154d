import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { fetchRoomByUserAgentRequest } from '../../lib/rooms/fetchRoomByUserAgentRequest';
import { listRoomsParams, roomPathParams } from '../../lib/rooms/roomParams';

const ROOM = '641d731dee3408c461095a2b';
const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.'));

describe('request parameter schemas', () => {
  it('room paths need a 24-hex _id', () => {
    expect(roomPathParams.parse({ _id: ROOM })).toEqual({ _id: ROOM });
    for (const _id of [undefined, '', 'xyz', ROOM.toUpperCase(), `${ROOM}0`]) expect(paths(roomPathParams.safeParse({ _id }))).toEqual(['_id']);
  });

  it('limit is a whole number 1..100, default 50', () => {
    expect(listMessagesParams.parse({ _id: ROOM }).limit).toBe(50);
    expect(listMessagesParams.parse({ _id: ROOM, limit: '7' }).limit).toBe(7);
    for (const limit of ['0', '101', '-1', '1.5', '', 'ten']) expect(paths(listMessagesParams.safeParse({ _id: ROOM, limit }))).toEqual(['limit']);
  });

  it('room listing filters are normalised', () => {
    expect(listRoomsParams.parse({ type: 'user-to-agent', status: 'false' })).toMatchObject({ type: 'agent_to_user', status: false, limit: 50 });
    expect(paths(listRoomsParams.safeParse({ status: 'yes' }))).toEqual(['status']);
    expect(paths(listRoomsParams.safeParse({ role: 'admin' }))).toEqual(['role']);
  });

  it('message text is trimmed and 1..4000 characters', () => {
    expect(sendMessageRequest.parse({ text: '  hi  ' })).toEqual({ text: 'hi' });
    expect(sendMessageRequest.parse({ text: '😀'.repeat(4000) }).text).toHaveLength(8000);
    expect(paths(sendMessageRequest.safeParse({ text: ' ' }))).toEqual(['text']);
    expect(paths(sendMessageRequest.safeParse({ text: 'x'.repeat(4001) }))).toEqual(['text']);
    expect(paths(sendMessageRequest.safeParse({ text: 'x', client_message_id: 'a#b' }))).toEqual(['client_message_id']);
  });

  it('fetchRoomByUserAgent accepts the platform body as sent', () => {
    const body = { sub_domain: '192.168.101.88', agent_db: 'salesdemo', agent_id: '133', type: 'agent-to-user', client_id: 5 };
    expect(fetchRoomByUserAgentRequest.parse(body)).toEqual({ ...body, client_id: '5', type: 'agent_to_user' });
    expect(paths(fetchRoomByUserAgentRequest.safeParse({ ...body, type: 'vendor-to-user' }))).toEqual(['type']);
    expect(paths(fetchRoomByUserAgentRequest.safeParse({ ...body, agent_id: 'abc' }))).toEqual(['agent_id']);
  });
});
