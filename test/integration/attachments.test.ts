/**
 * Attachments through the real use cases, the local store and the local S3: a form, an upload
 * through it, a send that checks and copies, listings with download URLs that fetch the bytes;
 * every refusal writes nothing (no message, no count, no copy); deleting a message or its room
 * (the cleanup pass) deletes its files. Each test works in a tenant of its own.
 */
import { randomInt } from 'node:crypto';
import { requestAttachmentUpload } from '../../lib/attachments/requestUpload';
import { AppError } from '../../lib/errors';
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { erasePerson } from '../../lib/privacy/erasePerson';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import type { Room } from '../../lib/rooms/room';
import { getRoomByRef } from '../../lib/store/rooms';
import { headObject } from '../../lib/store/attachmentObjects';
import { pendingObjectKey, roomObjectsPrefix, sentObjectKey } from '../../lib/store/keys';
import { putTenantRecord } from '../../lib/store/tenants';
import { toTenant, type Actor, type Tenant, type TenantRecord } from '../../lib/tenancy/tenant';
import { download, HTML, objectKeys, PDF, PNG, postForm, SVG } from '../support/attachments';
import { at, cleanup, DAY_MS, newTenant, refOf, startRoom, T0 } from './cleanupFixtures';

const agent: Actor = { userId: '133', role: 'agent' };
const customer: Actor = { userId: '7', role: 'user' };

/** A room at T0 with the agent and the customer in it. */
const roomOf = (tenant: Tenant): Promise<Room> => startRoom(tenant, T0, randomInt(1, 2 ** 40), { order_user_id: customer.userId });

/** Request a form for `file` and post the file through it; `declared` changes what the request says. */
const upload = async (
  tenant: Tenant,
  actor: Actor,
  room: Room,
  file: Buffer,
  declared: { content_type?: string; size?: number; name?: string } = {},
  options: { now?: Date; overrides?: Record<string, string> } = {},
) => {
  const { record, form } = await requestAttachmentUpload(
    tenant,
    actor,
    room._id,
    { name: declared.name ?? 'photo.png', content_type: declared.content_type ?? 'image/png', size: declared.size ?? file.length },
    options.now,
  );
  expect(await postForm(form, file, options.overrides)).toBe(204);
  return record;
};

const send = (tenant: Tenant, actor: Actor, room: Room, body: Record<string, unknown>, now = at(T0, 0, 60)) =>
  sendMessage(tenant, actor, room._id, sendMessageRequest.parse(body), now);

const page = (tenant: Tenant, actor: Actor, room: Room) => listMessages(tenant, actor, listMessagesParams.parse({ _id: room._id }));

/** The refusal a call ends with: its code and the fields it names. */
const refusalOf = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: error.code, fields: (error.errors ?? []).map((field) => `${field.path}: ${field.message}`) };
};

/** What a refused send could have written: messages, the room's counts and preview, copies. */
const snapshot = async (tenant: Tenant, room: Room) => {
  const stored = await getRoomByRef(tenant, refOf(room));
  return {
    messages: (await page(tenant, agent, room)).messages.map((message) => message._id),
    room: { updated: stored?.updated_date, last: stored?.last_message?._id, recorded: stored?.recorded?.length ?? 0 },
    copies: await objectKeys(roomObjectsPrefix(tenant, room._id)),
  };
};

describe('attachments through the use cases', () => {
  it('uploads through the form, sends with an empty text, and lists with URLs that fetch the bytes', async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const photo = await upload(tenant, agent, room, PNG, { name: 'door.png' });
    const receipt = await upload(tenant, agent, room, PDF, { name: 'receipt.pdf', content_type: 'application/pdf' });
    expect(await headObject(tenant, pendingObjectKey(tenant, room._id, photo._id))).toMatchObject({ size: PNG.length, contentType: 'image/png' });

    const { message } = await send(tenant, agent, room, { text: '  ', attachments: [photo._id, receipt._id] });
    expect(message.text).toBe('');
    expect(message.attachments).toEqual([
      { _id: photo._id, name: 'door.png', content_type: 'image/png', size: PNG.length, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) },
      { _id: receipt._id, name: 'receipt.pdf', content_type: 'application/pdf', size: PDF.length, url: expect.any(String) },
    ]);
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual(
      [sentObjectKey(tenant, room._id, message._id, photo._id), sentObjectKey(tenant, room._id, message._id, receipt._id)].sort(),
    );

    // The customer's listing: the same files, each URL signed for them, answering with the verified type.
    const [listed] = (await page(tenant, customer, room)).messages;
    expect(listed!.attachments!.map(({ _id }) => _id)).toEqual([photo._id, receipt._id]);
    const image = await download(listed!.attachments![0]!.url!);
    expect(image).toMatchObject({ status: 200, contentType: 'image/png', disposition: `inline; filename="door.png"; filename*=UTF-8''door.png` });
    expect(image.bytes.equals(PNG)).toBe(true);
    const pdf = await download(listed!.attachments![1]!.url!);
    expect(pdf).toMatchObject({ status: 200, contentType: 'application/pdf', disposition: expect.stringMatching(/^attachment; filename="receipt\.pdf"/) });
    expect(pdf.bytes.equals(PDF)).toBe(true);
  });

  it('refuses each bad attachment, naming it, and writes nothing', async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const otherRoom = await roomOf(tenant);
    const elsewhere = await newTenant(30);
    const theirRoom = await roomOf(elsewhere);
    const before = await snapshot(tenant, room);

    const good = await upload(tenant, agent, room, PNG);
    const cases: [string, () => Promise<string[]>, RegExp][] = [
      ['never uploaded', async () => [(await requestAttachmentUpload(tenant, agent, room._id, { name: 'x.png', content_type: 'image/png', size: 10 })).record._id], /has not been uploaded/],
      ['larger than its form allows (the local S3 does not enforce the policy)', async () => [(await upload(tenant, agent, room, Buffer.concat([PNG, Buffer.alloc(64)]), { size: PNG.length }))._id], /is \d+ bytes, not the \d+ requested/],
      ['HTML labelled as a PNG', async () => [(await upload(tenant, agent, room, HTML))._id], /content is not image\/png/],
      ['SVG labelled as a PNG', async () => [(await upload(tenant, agent, room, SVG))._id], /content is not image\/png/],
      ['a PDF labelled as a PNG', async () => [(await upload(tenant, agent, room, PDF))._id], /content is not image\/png/],
      ['stored with another type than its form fixed', async () => [(await upload(tenant, agent, room, PNG, {}, { overrides: { 'Content-Type': 'text/html' } }))._id], /was uploaded as text\/html, not image\/png/],
      ['uploaded after its form expired', async () => [(await upload(tenant, agent, room, PNG, {}, { now: new Date(Date.now() - 30 * 60_000) }))._id], /after its form expired/],
      ["someone else's upload", async () => [(await upload(tenant, customer, room, PNG))._id], /not an upload of yours in this room/],
      ["another room's upload", async () => [(await upload(tenant, agent, otherRoom, PNG))._id], /not an upload of yours in this room/],
      ["another tenant's upload", async () => [(await upload(elsewhere, agent, theirRoom, PNG))._id], /not an upload of yours in this room/],
      ['listed twice', async () => [good._id, good._id], /listed twice/],
    ];
    for (const [label, ids, problem] of cases) {
      const attachments = await ids();
      const refusal = await refusalOf(send(tenant, agent, room, { text: label, attachments }));
      expect({ label, ...refusal }).toEqual({ label, code: 'VALIDATION_ERROR', fields: [expect.stringMatching(new RegExp(`^attachments\\.${attachments.length - 1}: .*${problem.source}`))] });
    }
    // A good file beside a bad one: the whole send is refused, each bad one named.
    const bad = await upload(tenant, agent, room, HTML);
    expect(await refusalOf(send(tenant, agent, room, { text: 'mixed', attachments: [good._id, bad._id] }))).toEqual({
      code: 'VALIDATION_ERROR',
      fields: ['attachments.1: content is not image/png'],
    });
    expect(await snapshot(tenant, room)).toEqual(before);

    // The form itself: what the tenant does not allow, or more than its limit, gets none.
    expect(await refusalOf(requestAttachmentUpload(tenant, agent, room._id, { name: 'x.svg', content_type: 'image/svg+xml', size: 10 }))).toEqual({
      code: 'VALIDATION_ERROR',
      fields: ['content_type: must be one of image/jpeg, image/png, image/webp, application/pdf'],
    });
    expect(await refusalOf(requestAttachmentUpload(tenant, agent, room._id, { name: 'x.png', content_type: 'image/png', size: 10 * 1024 * 1024 + 1 }))).toEqual({
      code: 'VALIDATION_ERROR',
      fields: ['size: must be at most 10485760 bytes'],
    });
    // Not in the room: no form at all.
    expect((await refusalOf(requestAttachmentUpload(tenant, { userId: '999', role: 'user' }, room._id, { name: 'x.png', content_type: 'image/png', size: 10 }))).code).toBe('ROOM_NOT_FOUND');
    expect((await refusalOf(requestAttachmentUpload(elsewhere, agent, room._id, { name: 'x.png', content_type: 'image/png', size: 10 }))).code).toBe('ROOM_NOT_FOUND');
  });

  it("follows the tenant's settings: its types and its size limit, at the form and again at the send", async () => {
    const base = await newTenant(30);
    const record: TenantRecord = {
      client_id: base.clientId,
      sub_domain: base.subDomain,
      db_name: base.dbName,
      name: base.name,
      status: 'active',
      jwt_secrets: [`cleanup-test-secret-${base.clientId}-padding-padding-padding`],
      retention_days: 30,
    };
    const room = await roomOf(base);
    const pdf = await upload(base, agent, room, PDF, { content_type: 'application/pdf', name: 'a.pdf' });
    await putTenantRecord({ ...record, attachments: { content_types: ['image/png', 'image/gif'], max_bytes: 1000 } });
    const strict = toTenant({ ...record, attachments: { content_types: ['image/png', 'image/gif'], max_bytes: 1000 } });
    expect(await refusalOf(send(strict, agent, room, { attachments: [pdf._id] }))).toEqual({
      code: 'VALIDATION_ERROR',
      fields: ['attachments.0: is a application/pdf, which this tenant no longer allows'],
    });
    expect((await refusalOf(requestAttachmentUpload(strict, agent, room._id, { name: 'a.png', content_type: 'image/png', size: 1001 }))).fields).toEqual([
      'size: must be at most 1000 bytes',
    ]);
    const png = await upload(strict, agent, room, PNG);
    expect((await send(strict, agent, room, { attachments: [png._id] })).message.attachments).toHaveLength(1);
  });

  it('a retry with the same client_message_id gets the same message and files; another send of the upload gets its own copy', async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const photo = await upload(tenant, agent, room, PNG);
    const first = await send(tenant, agent, room, { text: 'door', client_message_id: 'c-1', attachments: [photo._id] });
    const retry = await send(tenant, agent, room, { text: 'door', client_message_id: 'c-1', attachments: [photo._id] }, at(T0, 0, 61));
    expect(retry.created).toBe(false);
    expect(retry.message._id).toBe(first.message._id);
    expect(retry.message.attachments!.map(({ _id }) => _id)).toEqual([photo._id]);
    const again = await send(tenant, agent, room, { text: 'door again', attachments: [photo._id] }, at(T0, 0, 62));
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual(
      [sentObjectKey(tenant, room._id, first.message._id, photo._id), sentObjectKey(tenant, room._id, again.message._id, photo._id)].sort(),
    );
    expect((await page(tenant, agent, room)).messages).toHaveLength(2);
  });

  it("erasing a person deletes the files they sent, and only theirs", async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const theirs = await send(tenant, customer, room, { text: 'mine', attachments: [(await upload(tenant, customer, room, PNG))._id] });
    const agents = await send(tenant, agent, room, { text: 'yours', attachments: [(await upload(tenant, agent, room, PNG))._id] }, at(T0, 0, 61));
    const erased = await erasePerson(tenant, { role: 'user', userId: customer.userId }, { requestedBy: { via: 'cli', role: 'operator' } });
    expect(erased.status).toBe('complete');
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual([
      sentObjectKey(tenant, room._id, agents.message._id, agents.message.attachments![0]!._id),
    ]);
    const [, erasedMessage] = (await page(tenant, agent, room)).messages;
    expect(erasedMessage).toMatchObject({ _id: theirs.message._id, deleted: true });
    expect(erasedMessage!.attachments).toBeUndefined();
  });

  it("deletes a message's files with it, and a room's files with the room", async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const kept = await roomOf(tenant);
    const gone = await send(tenant, agent, room, { text: 'a', attachments: [(await upload(tenant, agent, room, PNG))._id] });
    const stays = await send(tenant, agent, room, { text: 'b', attachments: [(await upload(tenant, agent, room, PNG))._id] }, at(T0, 0, 61));
    const elsewhere = await send(tenant, agent, kept, { text: 'c', attachments: [(await upload(tenant, agent, kept, PNG))._id] }, at(T0, 0, 62));

    const tombstone = await deleteMessage(tenant, agent, { roomId: room._id, messageId: gone.message._id }, at(T0, 0, 63));
    expect(tombstone.attachments).toBeUndefined();
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual([sentObjectKey(tenant, room._id, stays.message._id, stays.message.attachments![0]!._id)]);

    // The other room stays busy; this one expires after 30 idle days and the pass deletes it with its files.
    await send(tenant, agent, kept, { text: 'still here' }, at(T0, 20));
    const summary = await cleanup([tenant], new Date(T0.getTime() + 31 * DAY_MS));
    expect(summary.deleted).toBe(1);
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual([]);
    expect(await objectKeys(roomObjectsPrefix(tenant, kept._id))).toEqual([
      sentObjectKey(tenant, kept._id, elsewhere.message._id, elsewhere.message.attachments![0]!._id),
    ]);
  });
});
