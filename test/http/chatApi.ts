import { signLocalToken } from '../../scripts/local/tokens';
import { request } from '../support/api';
import { newId } from '../support/ids';

/** Helpers for the rooms/messages end-to-end tests (not a test file itself). */
export interface Reply {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: any;
}

export const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, token: string | undefined, body?: unknown): Promise<Reply> => {
  const reply = await request(method, path, body, { Accept: 'application/json', ...(token && { Authorization: `Bearer ${token}` }) });
  return { status: reply.status, headers: reply.headers, body: reply.json };
};

export { newId };

export const TENANT_1 = { client_id: 1, sub_domain: '192.168.101.88', db_name: 'salesdemo' };
export const TENANT_2 = { client_id: 2, sub_domain: 'ace.localhost', db_name: 'ace' };

export interface Person {
  id: string;
  token: string;
}

export const person = async (clientId: number, role: string, id = newId()): Promise<Person> => ({
  id,
  token: await signLocalToken(clientId, id, role),
});

export interface ConversationOptions {
  /** Tenant 1 unless named. */
  clientId?: 1 | 2;
  /** A customer of the tenant; a new one unless given. */
  customer?: Person;
  /** The customer's profile as they join. */
  participant?: Record<string, unknown>;
}

/** One order conversation over HTTP: a new agent opens it naming the customer, who joins from their side. */
export const openConversation = async ({ clientId = 1, customer: given, participant }: ConversationOptions = {}) => {
  const agent = await person(clientId, 'agent');
  const customer = given ?? (await person(clientId, 'user'));
  const order = { ...(clientId === 1 ? TENANT_1 : TENANT_2), order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()) };
  const opened = await api('POST', '/api/v1/chat/startChat', agent.token, { ...order, user_id: agent.id, type: 'agent-to-user', order_user_id: customer.id });
  const joined = await api('POST', '/api/v1/chat/startChat', customer.token, {
    ...order,
    user_id: customer.id,
    type: 'user-to-agent',
    agent_id: agent.id,
    participant: participant ?? { username: 'Cus Tomer', email: 'cus@example.com' },
  });
  if (opened.status !== 200 || joined.status !== 200) throw new Error(`startChat failed: ${JSON.stringify([opened.body, joined.body])}`);
  return { roomId: joined.body.roomData._id as string, agent, customer, order };
};

export const expectError = (reply: Reply, status: number, code: string, field?: string) => {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.body).toMatchObject({ status, code, message: expect.any(String) });
  if (field) expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
};
