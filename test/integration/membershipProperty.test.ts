/**
 * Property: whatever sequence of startChat / reassign / send / read calls random actors of two
 * tenants make, every answer that carried a room's data or messages went to someone who was its
 * participant at that moment (or an admin of its tenant), and no refused call changed the store.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { config } from '../../lib/config';
import { isAppError } from '../../lib/errors';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from '../../lib/rooms/chatType';
import { getRoom } from '../../lib/rooms/getRoom';
import { conversationRef, refOfRoomId } from '../../lib/rooms/identifiers';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import type { Room } from '../../lib/rooms/room';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomPartition } from '../../lib/store/keys';
import type { Actor, Role, Tenant } from '../../lib/tenancy/tenant';
import { newId, tenant1, tenant2 } from './chatFixtures';

const TENANTS = [tenant1, tenant2] as const;
const ROLES: Role[] = ['agent', 'user', 'vendor', 'admin'];

interface ActorSpec {
  tenant: 0 | 1;
  role: Role;
  /** Which of the run's two people of that role (the same ids exist in both tenants). */
  person: 0 | 1;
  /** The customer's order claim: none, one of the run's two orders, or both. */
  claim: 'none' | 0 | 1 | 'both';
}

type Command =
  | { kind: 'start'; actor: ActorSpec; order: 0 | 1; initiator: ParticipantRole; counterpart: ParticipantRole; named: Partial<Record<ParticipantRole, 0 | 1>> }
  | { kind: 'reassign'; actor: ActorSpec; room: number; role: ParticipantRole; person: 0 | 1 }
  | { kind: 'send'; actor: ActorSpec; room: number }
  | { kind: 'read'; actor: ActorSpec; room: number; view: 'messages' | 'room' };

const person = fc.constantFrom<0 | 1>(0, 1);
const participantRole = fc.constantFrom<ParticipantRole>(...PARTICIPANT_ROLES);
const actorSpec: fc.Arbitrary<ActorSpec> = fc.record({
  tenant: fc.constantFrom<0 | 1>(0, 1),
  role: fc.constantFrom(...ROLES),
  person,
  claim: fc.constantFrom<ActorSpec['claim']>('none', 0, 1, 'both'),
});
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('start' as const),
    actor: actorSpec,
    order: person,
    initiator: participantRole,
    counterpart: participantRole,
    named: fc.record({ agent: person, user: person, vendor: person }, { requiredKeys: [] }),
  }),
  fc.record({ kind: fc.constant('reassign' as const), actor: actorSpec, room: fc.nat(), role: participantRole, person }),
  fc.record({ kind: fc.constant('send' as const), actor: actorSpec, room: fc.nat() }),
  fc.record({ kind: fc.constant('read' as const), actor: actorSpec, room: fc.nat(), view: fc.constantFrom<'messages' | 'room'>('messages', 'room') }),
);

/** Everything stored in one room partition of one tenant, as stored. */
const partition = async (tenant: Tenant, ref: string) => {
  const { Items = [] } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref) },
      ConsistentRead: true,
    }),
  );
  return Items;
};

/** Whether `actor` of `tenant` may see `room` (as stored before the call) at this moment. */
const entitled = (room: Room | undefined, tenant: Tenant, actor: Actor): boolean => {
  if (!room || room.client_id !== tenant.clientId) return false;
  if (actor.role === 'admin') return true;
  return room[SLOT_OF_ROLE[actor.role as ParticipantRole]] === actor.userId;
};

const roomAsStored = (items: Record<string, unknown>[]): Room | undefined => items.find((item) => item.sk === 'ROOM') as Room | undefined;

const runSequence = async (commands: Command[]) => {
  // Fresh people and orders per run: runs and test files share one store.
  const people = Object.fromEntries(ROLES.map((role) => [role, [newId(), newId()]])) as Record<Role, [string, string]>;
  const orders = [newId(), newId()] as const;
  const rooms: Array<{ tenant: Tenant; _id: string }> = [];
  const violations: string[] = [];

  const actorOf = (spec: ActorSpec): { tenant: Tenant; actor: Actor } => {
    const claim = spec.claim === 'none' ? undefined : spec.claim === 'both' ? [...orders] : [orders[spec.claim]];
    return {
      tenant: TENANTS[spec.tenant],
      actor: { role: spec.role, userId: people[spec.role][spec.person], ...(spec.role === 'user' && claim && { orderIds: claim }) },
    };
  };

  for (const [step, cmd] of commands.entries()) {
    const { tenant, actor } = actorOf(cmd.actor);
    const label = `#${step} ${cmd.kind} by ${tenant.clientId}/${actor.role}/${actor.userId}`;

    if (cmd.kind === 'start') {
      const initiator = actor.role === 'admin' ? cmd.initiator : (actor.role as ParticipantRole);
      const counterpart = cmd.counterpart !== initiator ? cmd.counterpart : PARTICIPANT_ROLES.find((role) => role !== initiator)!;
      const userId = actor.role === 'admin' ? people[initiator][0] : actor.userId;
      const named = Object.fromEntries(
        Object.entries(cmd.named)
          .filter(([role]) => role !== initiator)
          .map(([role, index]) => [SLOT_OF_ROLE[role as ParticipantRole], people[role as ParticipantRole][index!]]),
      );
      const request = startChatRequest.parse({
        sub_domain: tenant.subDomain,
        client_id: tenant.clientId,
        db_name: tenant.dbName,
        user_id: userId,
        type: `${initiator}-to-${counterpart}`,
        order_vendor_id: 2,
        vendor_id: 3,
        order_id: orders[cmd.order],
        ...named,
      });
      const ref = conversationRef(tenant.clientId, `${request.order_id}#${request.order_vendor_id}#${request.type.type}`);
      const before = await partition(tenant, ref);
      try {
        const room = await startChat(tenant, actor, request);
        if (!entitled(room, tenant, actor)) violations.push(`${label}: got room ${room._id} without being in it`);
        if (!rooms.some((known) => known._id === room._id && known.tenant === tenant)) rooms.push({ tenant, _id: room._id });
      } catch (error) {
        if (!isAppError(error)) throw error;
        const after = await partition(tenant, ref);
        if (JSON.stringify(after) !== JSON.stringify(before)) violations.push(`${label}: refused (${error.code}) but changed the room`);
      }
      continue;
    }

    if (rooms.length === 0) continue;
    const target = rooms[cmd.room % rooms.length]!;
    const ref = refOfRoomId(target._id)!;
    const before = await partition(target.tenant, ref);
    const beforeOwn = target.tenant === tenant ? before : await partition(tenant, ref);
    const wasEntitled = target.tenant === tenant && entitled(roomAsStored(before), target.tenant, actor);
    try {
      if (cmd.kind === 'reassign') {
        await reassignParticipant(tenant, actor, target._id, cmd.role, people[cmd.role][cmd.person]);
        if (!wasEntitled || actor.role !== 'admin') violations.push(`${label}: reassigned room ${target._id}`);
      } else if (cmd.kind === 'send') {
        await sendMessage(tenant, actor, target._id, sendMessageRequest.parse({ text: `${label}` }));
        if (!wasEntitled) violations.push(`${label}: sent to room ${target._id}`);
      } else {
        const seen = cmd.view === 'messages'
          ? await listMessages(tenant, actor, listMessagesParams.parse({ _id: target._id }))
          : await getRoom(tenant, actor, target._id);
        if (!wasEntitled) violations.push(`${label}: read room ${target._id} (${cmd.view})`);
        if ('messages' in seen && seen.messages.some((message) => message.room_id !== target._id)) violations.push(`${label}: another room's messages`);
      }
    } catch (error) {
      if (!isAppError(error)) throw error;
      const after = await partition(target.tenant, ref);
      const afterOwn = target.tenant === tenant ? after : await partition(tenant, ref);
      if (JSON.stringify([after, afterOwn]) !== JSON.stringify([before, beforeOwn])) {
        violations.push(`${label}: refused (${error.code}) but changed room ${target._id}`);
      }
    }
  }
  return violations;
};

describe('membership, as a property of random call sequences', () => {
  it('only participants (and their tenant\'s admins) ever get a room\'s data; refusals write nothing', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => {
        calls += commands.length;
        expect(await runSequence(commands)).toEqual([]);
      }),
      { numRuns: 40 },
    );
    expect(calls).toBeGreaterThan(200);
  });
});
