/**
 * Attachments end to end on the local stack: a form from the API, the file posted straight to the
 * local S3 with it, a message naming it, and the file downloaded through the URLs the send's
 * answer, the other participant's socket and the listing carry. Over HTTP, each refusal is a 400
 * naming the field and writes nothing; strangers get no form and no URL.
 */
import { api, expectError, openConversation, person, TENANT_2, newId } from './chatApi';
import { download, HTML, objectKeys, PDF, PNG, postForm } from '../support/attachments';
import { open } from '../support/socket';

const formFor = async (roomId: string, token: string, file: { name?: string; content_type?: string; size: number }) =>
  api('POST', `/api/v1/chat/rooms/${roomId}/attachments`, token, { name: 'photo.png', content_type: 'image/png', ...file });

/** A form requested and a file posted through it; the attachment's `_id`. */
const uploaded = async (roomId: string, token: string, bytes: Buffer, declared: { name?: string; content_type?: string; size?: number } = {}) => {
  const form = await formFor(roomId, token, { size: bytes.length, ...declared });
  expect(form.status).toBe(201);
  expect(await postForm(form.body.upload, bytes)).toBe(204);
  return form.body.attachment._id as string;
};

const listing = async (roomId: string, token: string) => (await api('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=100`, token)).body.messages;

describe('attachments over HTTP', () => {
  it('goes from a form to the local S3, into a message, and back out through every reader', async () => {
    const { roomId, agent, customer } = await openConversation();
    const form = await formFor(roomId, customer.token, { name: ' door.png ', size: PNG.length });
    expect(form.status).toBe(201);
    expect(form.body).toEqual({
      attachment: {
        _id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        name: 'door.png',
        content_type: 'image/png',
        size: PNG.length,
        room_id: roomId,
        upload_expires_at: expect.any(String),
      },
      upload: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/chat-rooms-local-attachments$/), fields: expect.objectContaining({ key: `1/pending/${roomId}/${form.body.attachment._id}` }) },
      expires_in: 300,
    });
    expect(await postForm(form.body.upload, PNG)).toBe(204);
    const receipt = await uploaded(roomId, customer.token, PDF, { name: 'receipt.pdf', content_type: 'application/pdf' });

    const agentSocket = await open(agent.token);
    try {
      const sent = await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { attachments: [form.body.attachment._id, receipt] });
      expect(sent.status).toBe(201);
      expect(sent.body.messageData).toMatchObject({
        text: '',
        attachments: [
          { _id: form.body.attachment._id, name: 'door.png', content_type: 'image/png', size: PNG.length, url: expect.any(String) },
          { _id: receipt, name: 'receipt.pdf', content_type: 'application/pdf', size: PDF.length, url: expect.any(String) },
        ],
      });
      const frame = await agentSocket.waitFor((event) => event.event === 'message.created' && event.messageData._id === sent.body.messageData._id);
      const [fromSocket] = frame.messageData.attachments;
      const [fromListing] = (await listing(roomId, agent.token))[0].attachments;
      for (const url of [sent.body.messageData.attachments[0].url, fromSocket.url, fromListing.url]) {
        const file = await download(url);
        expect(file).toMatchObject({ status: 200, contentType: 'image/png', disposition: expect.stringMatching(/^inline; filename="door\.png"/) });
        expect(file.bytes.equals(PNG)).toBe(true);
      }
      const pdf = await download((await listing(roomId, customer.token))[0].attachments[1].url);
      expect(pdf).toMatchObject({ status: 200, contentType: 'application/pdf', disposition: expect.stringMatching(/^attachment; filename="receipt\.pdf"/) });
    } finally {
      await agentSocket.close();
    }
  });

  it('refuses bad attachments with a 400 naming each, writing nothing', async () => {
    const { roomId, agent, customer } = await openConversation();
    const other = await openConversation();
    const theirs = await person(2, 'agent');
    const theirRoom = await api('POST', '/api/v1/chat/startChat', theirs.token, {
      ...TENANT_2,
      order_vendor_id: 2,
      vendor_id: 3,
      order_id: Number(newId()),
      user_id: theirs.id,
      type: 'agent-to-user',
    });
    expect(theirRoom.status).toBe(200);
    const before = await listing(roomId, agent.token);

    const send = (token: string, body: Record<string, unknown>, room = roomId) => api('POST', `/api/v1/chat/rooms/${room}/messages`, token, body);
    const mislabelled = await uploaded(roomId, agent.token, HTML);
    expectError(await send(agent.token, { text: 'x', attachments: [mislabelled] }), 400, 'VALIDATION_ERROR', 'attachments.0');
    const oversize = await uploaded(roomId, agent.token, Buffer.concat([PNG, Buffer.alloc(32)]), { size: PNG.length });
    expectError(await send(agent.token, { text: 'x', attachments: [oversize] }), 400, 'VALIDATION_ERROR', 'attachments.0');
    const customers = await uploaded(roomId, customer.token, PNG);
    expectError(await send(agent.token, { text: 'x', attachments: [customers] }), 400, 'VALIDATION_ERROR', 'attachments.0');
    const otherRooms = await uploaded(other.roomId, other.agent.token, PNG);
    expectError(await send(agent.token, { text: 'x', attachments: [otherRooms] }), 400, 'VALIDATION_ERROR', 'attachments.0');
    // Tenant 2 names tenant 1's upload in its own room: not one of its uploads.
    expectError(await send(theirs.token, { text: 'x', attachments: [customers] }, theirRoom.body.roomData._id), 400, 'VALIDATION_ERROR', 'attachments.0');
    const good = await uploaded(roomId, agent.token, PNG);
    expectError(await send(agent.token, { text: 'x', attachments: Array.from({ length: 11 }, () => good) }), 400, 'VALIDATION_ERROR', 'attachments');
    expectError(await send(agent.token, { text: '   ' }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await send(agent.token, { attachments: [] }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await send(agent.token, { text: 'x', attachments: ['not-an-id'] }), 400, 'VALIDATION_ERROR', 'attachments.0');

    expectError(await formFor(roomId, agent.token, { content_type: 'image/svg+xml', size: 10 }), 400, 'VALIDATION_ERROR', 'content_type');
    expectError(await formFor(roomId, agent.token, { size: 10 * 1024 * 1024 + 1 }), 400, 'VALIDATION_ERROR', 'size');
    expectError(await formFor(roomId, agent.token, { name: 'a/b.png', size: 10 }), 400, 'VALIDATION_ERROR', 'name');

    expect(await listing(roomId, agent.token)).toEqual(before);
    expect(await objectKeys(`1/rooms/${roomId}/`)).toEqual([]);
  });

  it('gives strangers neither a form nor a URL', async () => {
    const { roomId, customer } = await openConversation();
    await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { attachments: [await uploaded(roomId, customer.token, PNG)] });
    for (const stranger of [await person(1, 'user'), await person(1, 'agent'), await person(2, 'admin')]) {
      expectError(await formFor(roomId, stranger.token, { size: 10 }), 404, 'ROOM_NOT_FOUND');
      const reply = await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, stranger.token);
      expect(reply.status).toBe(404);
      expect(JSON.stringify(reply.body)).not.toMatch(/X-Amz-Signature|chat-rooms-local-attachments/);
    }
    // The tenant's own admin reads every room, files included.
    const admin = await person(1, 'admin');
    const [message] = await listing(roomId, admin.token);
    expect((await download(message.attachments[0].url)).bytes.equals(PNG)).toBe(true);
  });
});
