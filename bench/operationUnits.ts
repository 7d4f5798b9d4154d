/**
 * The units each chat operation spends, measured through the real use cases against a running
 * store and counted by DynamoDB's billing rules (unitMeter.ts). The scenario is the one the cost
 * budgets are stated for: a room with all three participants, normal-size profiles and a last
 * message. Used by the cost budget test (npm test) and by the benchmark.
 */
import { randomInt } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cleanTenant } from '../lib/cleanup/cleanTenant';
import { timeBudget } from '../lib/cleanup/budget';
import { config } from '../lib/config';
import { deleteMessage } from '../lib/messages/deleteMessage';
import { editMessage } from '../lib/messages/editMessage';
import { listMessages } from '../lib/messages/listMessages';
import { sendMessage } from '../lib/messages/sendMessage';
import { closeRoom } from '../lib/rooms/closeRoom';
import { markRoomRead } from '../lib/rooms/markRoomRead';
import { listRooms } from '../lib/rooms/listRooms';
import type { Room } from '../lib/rooms/room';
import { startChat } from '../lib/rooms/startChat';
import { startChatRequest } from '../lib/rooms/startChatRequest';
import { objectClient } from '../lib/store/attachmentObjects';
import { documentClient } from '../lib/store/client';
import { roomKey } from '../lib/store/keys';
import { refOfRoomId } from '../lib/rooms/identifiers';
import type { Actor, Tenant } from '../lib/tenancy/tenant';
import { newOrder } from '../test/integration/chatFixtures';
import { newId } from '../test/support/ids';
import { plainItemSize } from './capacityUnits';
import { startLambdaStub } from './lambdaStub';
import { chatTableModel, UnitMeter, type Usage } from './unitMeter';

export type Operation =
  | 'create'
  | 'touch'
  | 'touch, next minute'
  | 'send'
  | 'send, no client_message_id'
  | 'send, tenant with a webhook endpoint'
  | 'mark read'
  | 'edit'
  | 'delete'
  | 'close'
  | 'messages page of 50'
  | 'room list of 50'
  | 'cleanup per expired room';

export interface OperationUnits {
  operation: Operation;
  writeUnits: number;
  readUnits: number;
  /** Write units per index. */
  indexes: Record<string, number>;
  requests: number;
  /** Sequential store round trips (requests in flight together count once); for cleanup, of the whole pass. */
  roundTrips: number;
  /** Each request's command and units (one entry per request; omitted for per-room averages). */
  detail?: string[];
  /** Asynchronous Lambda invocations made (the webhook hand-over), for the sends measured with them counted. */
  lambdaInvokes?: number;
  /** S3 requests made (per room for the cleanup), where they are counted. */
  s3Requests?: number;
}

/** What each operation may spend: the budgets the design is held to. */
export const UNIT_BUDGETS: Record<Operation, { writeUnits: number; readUnits: number }> = {
  // The touch that finds no room (1), the membership read, the number reservation (1), the room (2)
  // and its first entry in each index (4).
  create: { writeUnits: 8, readUnits: 1 },
  touch: { writeUnits: 2, readUnits: 0 },
  // Moving to a new activity minute rewrites the room's entry in each participant's index.
  'touch, next minute': { writeUnits: 8, readUnits: 0 },
  // The client_message_id claim (1), the room's one update, which decides the send (2), the message (1).
  send: { writeUnits: 4, readUnits: 0 },
  'send, no client_message_id': { writeUnits: 3, readUnits: 0 },
  // A webhook endpoint adds no store request: the hand-over is one asynchronous Lambda invocation.
  'send, tenant with a webhook endpoint': { writeUnits: 4, readUnits: 0 },
  // The message read (to take its read marks), the cursor's one conditional update.
  'mark read': { writeUnits: 2, readUnits: 1 },
  // The room and the message read together; the room's update (pacing, the preview) and the message's.
  edit: { writeUnits: 3, readUnits: 2 },
  // The room and the message read together; the room's update (the preview, the slot) and the tombstone.
  delete: { writeUnits: 3, readUnits: 2 },
  close: { writeUnits: 2, readUnits: 0 },
  'messages page of 50': { writeUnits: 0, readUnits: 4 },
  'room list of 50': { writeUnits: 0, readUnits: 0.5 * 50 + 1 },
  // The room and its index entries (4), a tombstone put and deleted with its byExpiry entry (4),
  // its number reservation (1) and its children: here two messages and a retry marker (3).
  'cleanup per expired room': { writeUnits: 12, readUnits: 2 },
};

/**
 * Sequential store round trips each operation may take: what the caller waits for. A send's claim,
 * room update and message put are one after the other; the room update needs no read before it.
 */
export const ROUND_TRIP_BUDGETS: Partial<Record<Operation, number>> = {
  create: 4,
  touch: 1,
  send: 3,
  'send, no client_message_id': 2,
  'send, tenant with a webhook endpoint': 3,
  'mark read': 2,
  edit: 3,
  delete: 3,
  close: 1,
};

const SECOND = 1000;
/** The default page of a room list. */
const ROOMS_LISTED = 50;
/** A whole minute in the future of the real clock, so no scheduled cleanup ever judges these rooms. */
const T0 = new Date('2032-06-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * SECOND);

const profile = (name: string) => ({
  username: name,
  email: `${name.toLowerCase().replace(/ /g, '.')}@example.com`,
  phone_num: '+1 555 010 2030',
  display_image: `https://cdn.example.com/avatars/${name.toLowerCase().replace(/ /g, '-')}-256x256.png`,
});

const TEXT = 'On my way, I will be at the door in about ten minutes. Please keep your phone nearby.';

/**
 * An agent-to-user conversation has no way for its vendor to send a profile; the scenario's room
 * has three of normal size, so the vendor's is written into its slot directly.
 */
const giveProfile = async (tenant: Tenant, room: Room, role: 'vendor', fields: ReturnType<typeof profile>) => {
  await documentClient(tenant).send(
    new UpdateCommand({
      TableName: config.chatTable,
      Key: roomKey(tenant, refOfRoomId(room._id)!),
      UpdateExpression: 'SET #profile = :profile',
      ConditionExpression: 'attribute_exists(#seat)',
      ExpressionAttributeNames: { '#seat': `p_${role}`, '#profile': `profile_${role}` },
      ExpressionAttributeValues: { ':profile': fields },
    }),
  );
};

const figure = (operation: Operation, usage: Usage): OperationUnits => ({
  operation,
  writeUnits: usage.writeUnits,
  readUnits: usage.readUnits,
  indexes: usage.indexes,
  requests: usage.requests.length,
  roundTrips: usage.roundTrips,
  detail: usage.requests.map((request) => `${request.command.replace(/Command$/, '')} ${request.writeUnits || request.readUnits}`),
});

export interface OperationReport {
  figures: OperationUnits[];
  /** Bytes of the measured room item (three participants with profiles, a last message), by DynamoDB's rules. */
  roomItemBytes: number;
  roomItem: Record<string, unknown>;
}

export interface MeasureOptions {
  /** The tenant whose store the rooms go to (its registry record is not read). */
  tenant: Tenant;
  endpoint?: string;
}

/** Measure every operation once, in order, on fresh rooms of `tenant`. */
export const measureOperationUnits = async ({ tenant, endpoint = config.dynamodbEndpoint }: MeasureOptions): Promise<OperationReport> => {
  if (!endpoint) throw new Error('measureOperationUnits needs a local store endpoint');
  const meter = new UnitMeter(config.chatTable, chatTableModel(), endpoint);
  const detach = meter.attach(documentClient(tenant));
  const figures: OperationUnits[] = [];
  const measure = async <T>(operation: Operation, run: () => Promise<T>): Promise<T> => {
    const { result, usage } = await meter.measure(run);
    figures.push(figure(operation, usage));
    return result;
  };
  try {
    const agent: Actor = { role: 'agent', userId: newId() };
    const customer: Actor = { role: 'user', userId: newId() };
    const vendor: Actor = { role: 'vendor', userId: newId() };
    const order = newOrder(tenant);
    const open = (orderId: string, actor: Actor, type: string, extra: Record<string, unknown>, now: Date) =>
      startChat(tenant, actor, startChatRequest.parse({ ...order, order_id: orderId, user_id: actor.userId, type, ...extra }), now);
    const everyone = { agent_id: agent.userId, order_user_id: customer.userId, vendor_user_id: vendor.userId };

    // The agent's other rooms, older than the measured one, for the room list.
    for (let index = 0; index < ROOMS_LISTED - 1; index++) {
      await open(newId(), agent, 'agent-to-user', { participant: profile('Agent Smith') }, at(-3600 + index * 60));
    }

    const orderId = newId();
    const room: Room = await measure('create', () =>
      open(orderId, agent, 'agent-to-user', { ...everyone, participant: profile('Agent Smith') }, at(0)),
    );
    await open(orderId, customer, 'user-to-agent', { ...everyone, participant: profile('Cus Tomer') }, at(1));
    await giveProfile(tenant, room, 'vendor', profile('Vendor Shop'));
    await sendMessage(tenant, customer, room._id, { text: TEXT }, at(2));

    await measure('touch', () => open(orderId, agent, 'agent-to-user', { participant: profile('Agent Smith') }, at(10)));
    // Both sends with the webhook delivery reachable (a stub of Lambda's Invoke API), so each counts the invocations it makes.
    const lambda = await startLambdaStub();
    try {
      const subscriber: Tenant = { ...tenant, webhookEvents: ['message.created'] };
      const invoked = async (operation: Operation, sender: Tenant, seconds: number) => {
        const before = lambda.invocations();
        await measure(operation, () => sendMessage(sender, agent, room._id, { text: TEXT, client_message_id: `m-${newId()}` }, at(seconds)));
        figures[figures.length - 1]!.lambdaInvokes = lambda.invocations() - before;
      };
      await invoked('send', tenant, 20);
      await invoked('send, tenant with a webhook endpoint', subscriber, 20.5);
    } finally {
      await lambda.stop();
    }
    const { message } = await measure('send, no client_message_id', () => sendMessage(tenant, agent, room._id, { text: TEXT }, at(21)));
    await measure('mark read', () => markRoomRead(tenant, customer, room._id, { message_id: message._id }));
    // The newest message: its preview is written too.
    const target = { roomId: room._id, messageId: message._id };
    await measure('edit', () => editMessage(tenant, agent, target, { text: `${TEXT} (edited)` }, at(22)));
    await measure('delete', () => deleteMessage(tenant, agent, target, at(23)));
    await measure('touch, next minute', () => open(orderId, agent, 'agent-to-user', { participant: profile('Agent Smith') }, at(70)));
    await measure('close', () => closeRoom(tenant, agent, room._id, at(80)));

    await open(orderId, agent, 'agent-to-user', {}, at(90));
    for (let index = 0; index < 50; index++) {
      await sendMessage(tenant, index % 2 ? agent : customer, room._id, { text: TEXT, client_message_id: `c-${index}` }, at(91 + index));
    }
    await measure('messages page of 50', () => listMessages(tenant, customer, { _id: room._id, limit: 50 }));
    const list = await measure('room list of 50', () => listRooms(tenant, agent, { limit: ROOMS_LISTED }));
    if (list.rooms.length !== ROOMS_LISTED) throw new Error(`Expected a room list of ${ROOMS_LISTED}, got ${list.rooms.length}`);

    const { Item } = await documentClient(tenant).send(
      new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant, refOfRoomId(room._id)!), ConsistentRead: true }),
    );
    figures.push(await measureCleanup(meter, tenant, agent));
    return { figures, roomItemBytes: plainItemSize(Item!), roomItem: Item! };
  } finally {
    detach();
    meter.close();
  }
};

const EXPIRED_ROOMS = 10;

/**
 * A cleanup pass over rooms that expired, each with a participant and two messages, in a tenant
 * of their own (so the pass sees only them): units per expired room.
 */
const measureCleanup = async (meter: UnitMeter, base: Tenant, agent: Actor): Promise<OperationUnits> => {
  const tenant: Tenant = { ...base, clientId: String(randomInt(1_000_000, 2 ** 40)), retentionDays: 1 };
  for (let index = 0; index < EXPIRED_ROOMS; index++) {
    const room = await startChat(
      tenant,
      agent,
      startChatRequest.parse({ ...newOrder(tenant), user_id: agent.userId, type: 'agent-to-user', participant: profile('Agent Smith') }),
      at(index),
    );
    await sendMessage(tenant, agent, room._id, { text: TEXT, client_message_id: `x-${index}` }, at(index + 1));
    await sendMessage(tenant, agent, room._id, { text: TEXT }, at(index + 2));
  }
  const now = at(3 * 86_400);
  const detach = meter.attach(documentClient(tenant));
  // None of these rooms ever had a file, so their cleanup must not reach S3 at all.
  let s3Requests = 0;
  const s3Counter = `bench-s3-${tenant.clientId}`;
  objectClient(tenant).middlewareStack.add(
    (next) => (args) => {
      s3Requests++;
      return next(args);
    },
    { step: 'initialize', name: s3Counter },
  );
  const { result, usage } = await meter.measure(() =>
    cleanTenant(tenant, {
      now,
      budget: timeBudget(() => Number.POSITIVE_INFINITY, 0),
      dryRun: false,
      persistCursor: false,
      lookbackDays: 5,
      pageSize: 100,
      concurrency: 4,
      removal: { childPageSize: 200 },
    }),
  ).finally(() => {
    detach();
    objectClient(tenant).middlewareStack.remove(s3Counter);
  });
  if (result.deleted !== EXPIRED_ROOMS) throw new Error(`Cleanup deleted ${result.deleted} of ${EXPIRED_ROOMS} expired rooms`);
  const perRoom = (units: number) => Math.round((units / EXPIRED_ROOMS) * 100) / 100;
  return {
    operation: 'cleanup per expired room',
    writeUnits: perRoom(usage.writeUnits),
    readUnits: perRoom(usage.readUnits),
    indexes: Object.fromEntries(Object.entries(usage.indexes).map(([name, units]) => [name, perRoom(units)])),
    requests: perRoom(usage.requests.length),
    roundTrips: usage.roundTrips,
    s3Requests: perRoom(s3Requests),
  };
};
