/**
 * Editing and deleting messages over HTTP, end to end through serverless-offline: every answer and
 * every frame is held to the published documents (test/support/contract.ts), so the new fields
 * (edited_date, deleted, deleted_date) and the erased participants' ids are documented as sent.
 */
import { randomInt } from 'node:crypto';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { tenantCli } from '../../scripts/tenant';
import { cliLines } from '../support/cli';
import { open } from '../support/socket';
import { api, expectError, openConversation, person, type Person } from './chatApi';

/** `npm run tenant` in this process, against the store the stack reads; its JSON result lines. */
const tenant = (...args: string[]) => cliLines(tenantCli, args);

const messagePath = (roomId: string, messageId = '') => `/api/v1/chat/rooms/${roomId}/messages${messageId && `/${messageId}`}`;
const send = (who: Person, roomId: string, body: unknown) => api('POST', messagePath(roomId), who.token, body);
const edit = (who: Person, roomId: string, messageId: string, body: unknown) => api('PATCH', messagePath(roomId, messageId), who.token, body);
const remove = (who: Person, roomId: string, messageId: string) => api('DELETE', messagePath(roomId, messageId), who.token);

describe('editing and deleting messages over HTTP', () => {
  it('the sender edits (the other side hears message.updated), then deletes (message.deleted); the room and its pages follow', async () => {
    const { roomId, agent, customer } = await openConversation();
    const socket = await open(customer.token);
    try {
      const sent = await send(agent, roomId, { text: 'Arriving in 10 minuets', client_message_id: 'edit-me' });
      expect(sent.status).toBe(201);
      const id = sent.body.messageData._id as string;

      const edited = await edit(agent, roomId, id, { text: '  Arriving in 10 minutes ' });
      expect(edited.status).toBe(200);
      expect(Object.keys(edited.body)).toEqual(['message', 'messageData', 'status']);
      expect(edited.body).toMatchObject({ message: 'Message updated', status: 200 });
      expect(edited.body.messageData).toEqual({ ...sent.body.messageData, text: 'Arriving in 10 minutes', edited_date: expect.any(String) });
      const heard = await socket.waitFor((frame) => frame.event === 'message.updated');
      expect(heard).toMatchObject({ event_id: `message.updated:${id}:${edited.body.messageData.edited_date}`, messageData: edited.body.messageData });
      expect((await edit(agent, roomId, id, { text: 'Arriving in 10 minutes' })).body.messageData).toEqual(edited.body.messageData);
      const room = await api('GET', `/api/v1/chat/rooms/${roomId}`, customer.token);
      expect(room.body.roomData.last_message).toMatchObject({ _id: id, text: 'Arriving in 10 minutes', edited_date: edited.body.messageData.edited_date });

      const deleted = await remove(agent, roomId, id);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ message: 'Message deleted', status: 200 });
      expect(deleted.body.messageData).toEqual({
        _id: id,
        room_id: roomId,
        sender_id: agent.id,
        sender_type: 'agent',
        client_message_id: 'edit-me',
        created_date: sent.body.messageData.created_date,
        deleted: true,
        deleted_date: expect.any(String),
      });
      await socket.waitFor((frame) => frame.event === 'message.deleted' && frame.event_id === `message.deleted:${id}`);
      expect((await remove(agent, roomId, id)).body).toEqual(deleted.body);
      const page = await api('GET', messagePath(roomId), customer.token);
      expect(page.body.messages).toEqual([deleted.body.messageData]);
      const after = await api('GET', `/api/v1/chat/rooms/${roomId}`, customer.token);
      expect(after.body.roomData.last_message).toEqual({ _id: id, sender_id: agent.id, sender_type: 'agent', created_date: sent.body.messageData.created_date, deleted: true, deleted_date: deleted.body.messageData.deleted_date });
      expect(after.body.roomData.unread_count).toBe(1);
      // A retried send finds the tombstone; a deleted message cannot be edited.
      const retried = await send(agent, roomId, { text: 'Arriving in 10 minuets', client_message_id: 'edit-me' });
      expect({ status: retried.status, messageData: retried.body.messageData }).toEqual({ status: 201, messageData: deleted.body.messageData });
      expectError(await edit(agent, roomId, id, { text: 'back again' }), 409, 'MESSAGE_DELETED');
    } finally {
      await socket.close();
    }
  });

  it('answers each refusal with its status and code, naming bad fields', async () => {
    const { roomId, agent, customer } = await openConversation();
    const id = (await send(agent, roomId, { text: 'mine' })).body.messageData._id as string;
    expectError(await edit(customer, roomId, id, { text: 'not yours' }), 403, 'FORBIDDEN');
    expectError(await remove(customer, roomId, id), 403, 'FORBIDDEN');
    expectError(await edit(agent, roomId, id, { text: '   ' }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await edit(agent, roomId, id, { message: 'no text' }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await edit(agent, roomId, 'not-a-ulid', { text: 'x' }), 400, 'VALIDATION_ERROR', 'message_id');
    expectError(await remove(agent, roomId, 'not-a-ulid'), 400, 'VALIDATION_ERROR', 'message_id');
    expectError(await edit(agent, roomId, '01ARZ3NDEKTSV4RRFFQ69G5FAV', { text: 'x' }), 404, 'MESSAGE_NOT_FOUND');
    expectError(await remove(agent, roomId, '01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'MESSAGE_NOT_FOUND');
    const stranger = await person(1, 'agent');
    expectError(await edit(stranger, roomId, id, { text: 'x' }), 404, 'ROOM_NOT_FOUND');
    expectError(await remove(stranger, roomId, id), 404, 'ROOM_NOT_FOUND');
    expectError(await api('DELETE', messagePath(roomId, id), undefined), 401, 'TOKEN_MISSING');
    // An admin of the tenant may delete any message.
    const admin = await person(1, 'admin');
    expect((await remove(admin, roomId, id)).body.messageData).toMatchObject({ _id: id, deleted: true });
  });

  it('after a participant is erased, the room and its messages still keep to the documents (erased-… ids, tombstones)', async () => {
    const { roomId, agent, customer } = await openConversation();
    await send(agent, roomId, { text: 'hello' });
    await send(customer, roomId, { text: 'my address is 1 Main St' });
    const admin = await person(1, 'admin');
    const erased = await api('POST', '/api/v1/chat/privacy/erasures', admin.token, { role: 'user', user_id: customer.id });
    expect(erased.status).toBe(200);
    const room = await api('GET', `/api/v1/chat/rooms/${roomId}`, agent.token);
    expect(room.status).toBe(200);
    expect(room.body.roomData.order_user_id).toMatch(/^erased-[0-9a-f]{16}$/);
    expect(room.body.roomData.last_message).toMatchObject({ deleted: true, sender_id: room.body.roomData.order_user_id });
    expect(room.body.roomData.last_message).not.toHaveProperty('text');
    const page = await api('GET', messagePath(roomId), agent.token);
    expect(page.body.messages[0]).toMatchObject({ deleted: true, sender_id: room.body.roomData.order_user_id });
    expect(JSON.stringify([room.body, page.body])).not.toContain('1 Main St');
    const list = await api('GET', '/api/v1/chat/rooms', agent.token);
    expect(list.status).toBe(200);
  });

  it('a tenant that masks contact details gets them replaced in sends and edits, through the deployed bundles', async () => {
    const id = String(randomInt(100_000, 2 ** 40));
    const ids = { client_id: id, sub_domain: `mask${id}.example.com`, db_name: `mask_${id}` };
    const [{ jwt_secret: secret }] = await tenant('add', '--client-id', id, '--sub-domain', ids.sub_domain, '--db-name', ids.db_name);
    await tenant('set-masking', '--client-id', id, '--mask', 'phone,email,url', '--default-country', 'US');
    const agent = { id: '41', token: await signAccessToken({ secret, clientId: id, userId: '41', role: 'agent' }) };
    const started = await api('POST', '/api/v1/chat/startChat', agent.token, { ...ids, user_id: agent.id, type: 'agent-to-user', order_id: 7, order_vendor_id: 2, vendor_id: 3 });
    expect(started.status).toBe(200);
    const roomId = started.body.roomData._id as string;

    const sent = await send(agent, roomId, { text: 'Call me on (212) 555-0199 or write to jo@example.com' });
    expect(sent.body.messageData).toMatchObject({ text: 'Call me on [phone removed] or write to [email removed]', moderation: { phone: 1, email: 1 } });
    const edited = await edit(agent, roomId, sent.body.messageData._id, { text: 'Or see wa.me/12025550143' });
    expect(edited.body.messageData).toMatchObject({ text: 'Or see [link removed]', moderation: { url: 1 } });
    const room = await api('GET', `/api/v1/chat/rooms/${roomId}`, agent.token);
    expect(room.body.roomData.last_message.text).toBe('Or see [link removed]');
  });
});
