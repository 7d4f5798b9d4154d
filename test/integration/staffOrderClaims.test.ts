/**
 * The tenant policy `staff_order_claims`: off (the default), any agent or vendor may create an
 * order's room or take an empty slot of it, as the published request always allowed; on, staff
 * need the order in their token's `order_ids` claim for that, as customers do, and a squatter
 * writes nothing. Staff already seated keep their room either way.
 */
import { randomInt } from 'node:crypto';
import { handler as startChatHandler } from '../../functions/startChat/handler';
import { conversationRef } from '../../lib/rooms/identifiers';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { roomNumberKey } from '../../lib/store/keys';
import { putTenantRecord } from '../../lib/store/tenants';
import { toTenant, type Actor, type Tenant, type TenantRecord } from '../../lib/tenancy/tenant';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp } from '../support/lambda';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';
import { getItem, partitionItems } from './cleanupFixtures';

type Order = ReturnType<typeof newOrder>;

const policyOn: Tenant = { ...tenant1, staffOrderClaims: true };
const admin = actor('admin', '1');
const withClaim = (who: Actor, ...orderIds: (string | number)[]): Actor => ({ ...who, orderIds: orderIds.map(String) });

const TYPE_OF = { agent: 'agent-to-user', vendor: 'vendor-to-user', user: 'user-to-agent', admin: 'agent-to-user' } as const;
const CONVERSATION_OF = { agent: 'agent_to_user', vendor: 'vendor_to_user', user: 'agent_to_user', admin: 'agent_to_user' } as const;

const start = (tenant: Tenant, who: Actor, order: Order, fields: Record<string, unknown> = {}) =>
  startChat(tenant, who, startChatRequest.parse({ ...order, user_id: who.userId, type: TYPE_OF[who.role], ...fields }));

const items = (tenant: Tenant, order: Order, type: string) =>
  partitionItems(tenant, conversationRef(tenant.clientId, `${order.order_id}#${order.order_vendor_id}#${type}`));

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  );

describe('staff_order_claims off (the default)', () => {
  it('any agent or vendor creates an order’s room naming the customer, or takes its empty slot, as today', async () => {
    const squatter = actor('agent', newId());
    const order = newOrder();
    const customer = newId();
    const room = await start(tenant1, squatter, order, { order_user_id: customer });
    expect(room).toMatchObject({ agent_id: squatter.userId, order_user_id: customer });

    const vendorOrder = newOrder();
    await start(tenant1, admin, vendorOrder, { type: 'user-to-vendor', user_id: customer });
    const vendor = actor('vendor', newId());
    await expect(start(tenant1, vendor, vendorOrder)).resolves.toMatchObject({ vendor_user_id: vendor.userId });
  });
});

describe('staff_order_claims on', () => {
  it.each(['agent', 'vendor'] as const)('staff (%s) without a claim can neither create the room nor take an empty slot; nothing is written', async (role) => {
    const squatter = actor(role, newId());
    const order = newOrder();
    const orderNumber = String(randomInt(10_000_000, 100_000_000));
    expect(await errorCode(start(policyOn, squatter, order, { order_user_id: newId(), order_number: orderNumber }))).toBe('ROOM_NOT_FOUND');
    expect(await items(policyOn, order, CONVERSATION_OF[role])).toEqual([]);
    expect(await getItem(policyOn, roomNumberKey(policyOn, orderNumber))).toBeUndefined();

    // A room the platform created with the slot still empty: the squatter cannot take it.
    await start(policyOn, admin, order, { type: `user-to-${role}`, user_id: newId() });
    const before = await items(policyOn, order, CONVERSATION_OF[role]);
    expect(before).toHaveLength(1);
    expect(await errorCode(start(policyOn, squatter, order))).toBe('ROOM_NOT_FOUND');
    expect(await items(policyOn, order, CONVERSATION_OF[role])).toEqual(before);
  });

  it('a claim without the order is 403 FORBIDDEN, with nothing written', async () => {
    const squatter = withClaim(actor('agent', newId()), newId());
    const order = newOrder();
    expect(await errorCode(start(policyOn, squatter, order, { order_user_id: newId() }))).toBe('FORBIDDEN');
    expect(await items(policyOn, order, 'agent_to_user')).toEqual([]);
  });

  it('the real agent, with the order in its claim, creates the room naming the customer; a squatter then gets 404', async () => {
    const order = newOrder();
    const customer = newId();
    const agent = withClaim(actor('agent', newId()), newId(), order.order_id);
    const room = await start(policyOn, agent, order, { order_user_id: customer, participant: { username: 'Agent Smith' } });
    expect(room).toMatchObject({ agent_id: agent.userId, order_user_id: customer });
    const before = await items(policyOn, order, 'agent_to_user');
    expect(await errorCode(start(policyOn, actor('agent', newId()), order))).toBe('ROOM_NOT_FOUND');
    expect(await items(policyOn, order, 'agent_to_user')).toEqual(before);
  });

  it('the real agent takes the empty slot of a room the platform created, with the claim', async () => {
    const order = newOrder();
    await start(policyOn, admin, order, { user_id: newId(), type: 'user-to-agent' });
    const agent = withClaim(actor('agent', newId()), order.order_id);
    await expect(start(policyOn, agent, order)).resolves.toMatchObject({ agent_id: agent.userId });
  });

  it('an agent already seated continues without a claim, but names no one else', async () => {
    const order = newOrder();
    const agent = actor('agent', newId());
    await start(policyOn, admin, order, { user_id: agent.userId, type: 'agent-to-user' });
    const touched = await start(policyOn, agent, order, { order_user_id: newId() });
    expect(touched.agent_id).toBe(agent.userId);
    expect(touched.order_user_id).toBeUndefined();
  });

  it('follows the registry: the real handler refuses a squatter and admits the agent with the claim', async () => {
    const clientId = String(randomInt(9001, 2 ** 40));
    const secret = `staff-claims-secret-${clientId}-padding-padding`;
    const record: TenantRecord = {
      client_id: clientId,
      sub_domain: `t${clientId}.test`,
      db_name: `db${clientId}`,
      name: `Staff claims ${clientId}`,
      status: 'active',
      jwt_secrets: [secret],
      retention_days: 30,
      staff_order_claims: true,
    };
    await putTenantRecord(record);
    const tenant = toTenant(record);
    const order = newOrder(tenant);
    const call = async (userId: string, orderIds?: string[]) =>
      invokeHttp(startChatHandler, {
        method: 'POST',
        path: SEED_PATH,
        body: { ...order, user_id: userId, type: 'agent-to-user' },
        token: await signAccessToken({ secret, clientId, userId, role: 'agent', ...(orderIds && { orderIds }) }),
      });

    const squatter = await call(newId());
    expect([squatter.status, squatter.json.code]).toEqual([404, 'ROOM_NOT_FOUND']);
    expect(await items(tenant, order, 'agent_to_user')).toEqual([]);
    const agentId = newId();
    const created = await call(agentId, [String(order.order_id)]);
    expect(created.status).toBe(200);
    expect(created.json.roomData).toMatchObject({ agent_id: agentId, order_id: String(order.order_id) });
  });
});
