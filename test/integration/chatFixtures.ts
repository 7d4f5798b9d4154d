import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { newId } from '../support/ids';

/** Fixtures shared by the rooms/messages integration tests (not a test file itself). */
export const tenant1: Tenant = {
  clientId: '1',
  subDomain: '192.168.101.88',
  dbName: 'salesdemo',
  name: 'Sales Demo',
  status: 'active',
  retentionDays: 30,
};

export const tenant2: Tenant = { ...tenant1, clientId: '2', subDomain: 'ace.localhost', dbName: 'ace', name: 'Ace' };

export { newId };

export const actor = (role: Actor['role'], userId: string): Actor => ({ role, userId });

/** The startChat body fields naming a fresh order of `tenant`. */
export const newOrder = (tenant: Tenant = tenant1) => ({
  sub_domain: tenant.subDomain,
  client_id: tenant.clientId,
  db_name: tenant.dbName,
  order_vendor_id: 2,
  vendor_id: 3,
  order_id: newId(),
});

/** One order conversation: the agent opens it naming the customer, who joins it from their side. */
export const openConversation = async (tenant: Tenant = tenant1) => {
  const agent = actor('agent', newId());
  const customer = actor('user', newId());
  const base = newOrder(tenant);
  const room = await startChat(tenant, agent, startChatRequest.parse({ ...base, user_id: agent.userId, type: 'agent-to-user', order_user_id: customer.userId }));
  const joined = await startChat(
    tenant,
    customer,
    startChatRequest.parse({ ...base, user_id: customer.userId, type: 'user-to-agent', agent_id: agent.userId, participant: { username: 'Cus Tomer' } }),
  );
  return { room: joined, firstRoom: room, agent, customer, base };
};
