/**
 * The cleanup and the attachments bucket: a room is marked as one that may hold files before its
 * first upload form exists, and only a marked room's cleanup reaches S3 (a room without files
 * costs no S3 request). Real use cases, the local store and the local S3; S3 requests are counted
 * on the tenant's own S3 client, the one the cleanup uses.
 */
import { randomInt } from 'node:crypto';
import { requestAttachmentUpload } from '../../lib/attachments/requestUpload';
import { checkAttachments, copyAttachments } from '../../lib/attachments/sendAttachments';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import type { Room } from '../../lib/rooms/room';
import { toRoomView } from '../../lib/rooms/roomView';
import { objectClient } from '../../lib/store/attachmentObjects';
import { roomKey, roomObjectsPrefix, roomTombstoneKey } from '../../lib/store/keys';
import { getRoomByRef } from '../../lib/store/rooms';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { objectKeys, PNG, postForm } from '../support/attachments';
import { at, cleanup, counting, getItem, newTenant, partitionItems, putChildren, refOf, startRoom, T0, withMiddleware } from './cleanupFixtures';

const agent: Actor = { userId: '133', role: 'agent' };
const customer: Actor = { userId: '7', role: 'user' };
/** 31 days after T0: rooms last touched on T0's day are expired under a 30-day retention. */
const PASS = at(T0, 31);

const roomOf = (tenant: Tenant): Promise<Room> => startRoom(tenant, T0, randomInt(1, 2 ** 40), { order_user_id: customer.userId });

const upload = async (tenant: Tenant, room: Room) => {
  const { record, form } = await requestAttachmentUpload(tenant, agent, room._id, { name: 'door.png', content_type: 'image/png', size: PNG.length }, at(T0, 0, 30));
  expect(await postForm(form, PNG)).toBe(204);
  return record;
};

const sendWithFile = async (tenant: Tenant, room: Room, seconds: number) =>
  sendMessage(tenant, agent, room._id, sendMessageRequest.parse({ text: 'photo', attachments: [(await upload(tenant, room))._id] }), at(T0, 0, seconds));

const sendText = (tenant: Tenant, room: Room, seconds: number) =>
  sendMessage(tenant, customer, room._id, sendMessageRequest.parse({ text: 'just text' }), at(T0, 0, seconds));

/** Every S3 command the tenant's S3 client sends during `body`: its name and prefix or key. */
const s3Requests = async <T>(tenant: Tenant, body: () => Promise<T>): Promise<{ result: T; requests: string[] }> => {
  const requests: string[] = [];
  const name = `s3-count-${Math.random()}`;
  const client = objectClient(tenant);
  client.middlewareStack.add(
    ((next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      (args: { input: Record<string, unknown> }) => {
        requests.push(`${context.commandName} ${String(args.input.Prefix ?? args.input.Key ?? '')}`);
        return next(args);
      }) as never,
    { step: 'initialize', name },
  );
  try {
    return { result: await body(), requests };
  } finally {
    client.middlewareStack.remove(name);
  }
};

describe('cleanup of rooms and their files', () => {
  it('deletes rooms that never had a file without a single S3 request', async () => {
    const tenant = await newTenant(30);
    const rooms = await Promise.all([roomOf(tenant), roomOf(tenant), roomOf(tenant)]);
    for (const [index, room] of rooms.entries()) await sendText(tenant, room, 60 + index);
    await putChildren(tenant, rooms[0]!, 30);

    const { result, requests } = await s3Requests(tenant, () => cleanup([tenant], PASS));
    expect(result).toMatchObject({ deleted: 3, complete: true });
    expect(requests).toEqual([]);
    for (const room of rooms) expect(await partitionItems(tenant, refOf(room))).toEqual([]);
  });

  it("deletes a room's files with it, and lists only the rooms that may hold files", async () => {
    const tenant = await newTenant(30);
    const [withFiles, plain, formOnly] = await Promise.all([roomOf(tenant), roomOf(tenant), roomOf(tenant)]);
    const sent = await sendWithFile(tenant, withFiles, 60);
    await sendText(tenant, withFiles, 61);
    await sendText(tenant, plain, 62);
    // Asked for a form and uploaded, never sent: the room is marked all the same.
    await upload(tenant, formOnly);
    expect(await objectKeys(roomObjectsPrefix(tenant, withFiles._id))).toHaveLength(1);
    expect(sent.message.attachments).toHaveLength(1);

    const { result, requests } = await s3Requests(tenant, () => cleanup([tenant], PASS));
    expect(result).toMatchObject({ deleted: 3, complete: true });
    expect(requests.filter((request) => request.startsWith('ListObjectsV2Command')).sort()).toEqual(
      [`ListObjectsV2Command ${roomObjectsPrefix(tenant, withFiles._id)}`, `ListObjectsV2Command ${roomObjectsPrefix(tenant, formOnly._id)}`].sort(),
    );
    expect(requests.some((request) => request.includes(plain._id))).toBe(false);
    expect(await objectKeys(roomObjectsPrefix(tenant, withFiles._id))).toEqual([]);
    for (const room of [withFiles, plain, formOnly]) expect(await partitionItems(tenant, refOf(room))).toEqual([]);
  });

  it('marks the room before its first form, once, and never shows the mark', async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const stored = async () => getItem(tenant, roomKey(tenant, refOf(room)));
    expect((await stored())?.has_files).toBeUndefined();

    const first = counting();
    await withMiddleware(tenant, first.middleware, () => upload(tenant, room));
    expect((await stored())?.has_files).toBe(true);
    expect(first.counts.UpdateItemCommand).toBe(1);

    // The room read shows the mark: no room write the second time.
    const second = counting();
    await withMiddleware(tenant, second.middleware, () => upload(tenant, room));
    expect(second.counts.UpdateItemCommand ?? 0).toBe(0);

    // Sends and touches rewrite the item and keep the mark; no response carries it.
    await sendText(tenant, room, 60);
    const read = await getRoomByRef(tenant, refOf(room));
    expect(read?.has_files).toBe(true);
    expect(JSON.stringify(toRoomView(read!, 'agent'))).not.toContain('has_files');
  });

  it('deletes the files of a send that stopped after copying them, before its message was recorded', async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    const record = await upload(tenant, room);
    // What a send does before its room update: the checks and the copies. It stops there (a crash).
    const checked = await checkAttachments(tenant, agent, room._id, refOf(room), [record._id]);
    await copyAttachments(tenant, room._id, `01ORPHANEDMESSAGE${randomInt(1_000_000, 9_999_999)}`, checked);
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toHaveLength(1);

    expect(await cleanup([tenant], PASS)).toMatchObject({ deleted: 1, complete: true });
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual([]);
  });

  it("a pass that stopped in a room's cascade leaves its files to the next pass, which deletes them", async () => {
    const tenant = await newTenant(30);
    const room = await roomOf(tenant);
    await sendWithFile(tenant, room, 60);
    await putChildren(tenant, room, 300);
    const batches = counting();
    const remainingMs = () => ((batches.counts.BatchWriteItemCommand ?? 0) >= 2 ? 1_000 : 60_000);

    const first = await withMiddleware(tenant, batches.middleware, () => cleanup([tenant], PASS, { remainingMs, safetyMarginMs: 2_000, childPageSize: 50 }));
    expect(first).toMatchObject({ deleted: 1, complete: false });
    expect(await getItem(tenant, roomTombstoneKey(tenant, refOf(room), room._id))).toBeDefined();
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toHaveLength(1);

    // The room item is gone, and with it the mark: the resumed cascade looks for files all the same.
    const { result } = await s3Requests(tenant, () => cleanup([tenant], at(PASS, 0, 3600), { childPageSize: 50 }));
    expect(result).toMatchObject({ deleted: 0, resumed: 1, complete: true });
    expect(await objectKeys(roomObjectsPrefix(tenant, room._id))).toEqual([]);
    expect(await partitionItems(tenant, refOf(room))).toEqual([]);
  });
});
