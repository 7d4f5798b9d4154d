/**
 * The cross-tenant matrix: every HTTP route, attacked with tokens of tenant 2 (including users
 * with the same ids as tenant 1's participants, and its admin), tokens of tenant 1 users who are
 * not in the room, and tokens signed with tenant 2's key that claim tenant 1, each carrying tenant
 * 1's room ids, cursors and conversation keys. Not one byte of tenant 1's data may come back, and
 * tenant 1's room must be exactly as it was. One route is one row of MATRIX; a route in
 * serverless.yml without a row fails the last test. Each attacker also holds a WebSocket open (or
 * is refused one) while tenant 1 chats: nothing of tenant 1's may reach it.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_TENANTS } from '../../scripts/local/seed';
import { loadServerlessConfig } from '../../scripts/local/serverlessConfig';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { objectKeys, PNG, postForm } from '../support/attachments';
import { connect, isRefusal, open, type SocketClient } from '../support/socket';
import { api, newId, openConversation, person, TENANT_1, TENANT_2, type Person } from './chatApi';

interface Attempt {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

/** Tenant 1's room and what an attacker might have got hold of. */
interface Victim {
  roomId: string;
  roomNumber: string;
  order: { order_id: number; order_vendor_id: number; vendor_id: number };
  agent: Person;
  customer: Person;
  cursors: { rooms: string; messages: string; fetchRooms: string };
  clientMessageId: string;
  messageIds: string[];
  /** A file the customer sent in the room, and an upload of the agent's not sent yet. */
  attachments: { sent: string; pending: string };
}

interface Attacker {
  name: string;
  role: 'agent' | 'user' | 'vendor' | 'admin';
  id: string;
  token: string;
  /** The identifiers of the tenant the attacker really belongs to. */
  ownTenant: typeof TENANT_1 | typeof TENANT_2;
}

const START_TYPE = { agent: 'agent-to-user', user: 'user-to-agent', vendor: 'vendor-to-user', admin: 'agent-to-user' } as const;

/** The tenant identifiers to try: tenant 1's, and the attacker's own when they differ. */
const identifiersFor = (attacker: Attacker) => (attacker.ownTenant === TENANT_1 ? [TENANT_1] : [TENANT_1, attacker.ownTenant]);

const roomPath = (victim: Victim, tail = '') => `/api/v1/chat/rooms/${victim.roomId}${tail}`;

/** One row per route: the requests an attacker sends to it with tenant 1's identifiers. */
const MATRIX: { route: string; attempts: (victim: Victim, attacker: Attacker) => Attempt[] }[] = [
  {
    route: 'POST /api/v1/chat/startChat',
    attempts: (victim, attacker) =>
      identifiersFor(attacker).flatMap((tenant) => [
        {
          method: 'POST',
          path: '/api/v1/chat/startChat',
          body: { ...tenant, ...victim.order, user_id: attacker.role === 'admin' ? victim.agent.id : attacker.id, type: START_TYPE[attacker.role] },
        },
        // Tenant 1's conversation key and room number, naming tenant 1's participants.
        {
          method: 'POST',
          path: '/api/v1/chat/startChat',
          body: {
            ...tenant,
            ...victim.order,
            user_id: attacker.role === 'admin' ? victim.customer.id : attacker.id,
            type: attacker.role === 'admin' ? 'user-to-agent' : START_TYPE[attacker.role],
            agent_id: victim.agent.id,
            order_user_id: victim.customer.id,
            order_number: victim.roomNumber,
          },
        },
      ]),
  },
  {
    route: 'POST /api/room/fetchRoomByUserAgent',
    attempts: (victim, attacker) =>
      identifiersFor(attacker).flatMap(({ db_name: _db, ...tenant }) => [
        { method: 'POST', path: '/api/room/fetchRoomByUserAgent', body: { ...tenant, agent_db: 'salesdemo', agent_id: victim.agent.id, type: 'agent-to-user' } },
        { method: 'POST', path: '/api/room/fetchRoomByUserAgent', body: { ...tenant, agent_db: 'salesdemo', agent_id: victim.agent.id, cursor: victim.cursors.fetchRooms } },
        { method: 'POST', path: '/api/room/fetchRoomByUserAgent', body: { ...tenant, agent_id: attacker.id, cursor: victim.cursors.fetchRooms } },
      ]),
  },
  {
    route: 'GET /api/v1/chat/rooms',
    attempts: (victim) => [
      { method: 'GET', path: '/api/v1/chat/rooms' },
      { method: 'GET', path: `/api/v1/chat/rooms?cursor=${encodeURIComponent(victim.cursors.rooms)}` },
      { method: 'GET', path: `/api/v1/chat/rooms?role=agent&user_id=${victim.agent.id}` },
      { method: 'GET', path: `/api/v1/chat/rooms?role=user&user_id=${victim.customer.id}&status=true` },
      { method: 'GET', path: `/api/v1/chat/rooms?role=agent&user_id=${victim.agent.id}&cursor=${encodeURIComponent(victim.cursors.rooms)}` },
    ],
  },
  {
    route: 'GET /api/v1/chat/rooms/{_id}',
    attempts: (victim) => [{ method: 'GET', path: roomPath(victim) }],
  },
  {
    // Public and the same for everyone: it must hold nothing of any tenant.
    route: 'GET /api/v1/openapi.json',
    attempts: () => [{ method: 'GET', path: '/api/v1/openapi.json' }],
  },
  {
    // Public and the same for everyone, like the OpenAPI document.
    route: 'GET /api/v1/asyncapi.json',
    attempts: () => [{ method: 'GET', path: '/api/v1/asyncapi.json' }],
  },
  {
    route: 'POST /api/v1/chat/rooms/{_id}/messages',
    attempts: (victim) => [
      { method: 'POST', path: roomPath(victim, '/messages'), body: { text: 'intruder' } },
      // The victim's own client_message_id: a retry of theirs would hand back their message.
      { method: 'POST', path: roomPath(victim, '/messages'), body: { text: 'intruder', client_message_id: victim.clientMessageId } },
      // The room's files: one sent, one uploaded and waiting to be sent.
      { method: 'POST', path: roomPath(victim, '/messages'), body: { attachments: [victim.attachments.pending] } },
      { method: 'POST', path: roomPath(victim, '/messages'), body: { text: 'intruder', attachments: [victim.attachments.sent, victim.attachments.pending] } },
    ],
  },
  {
    route: 'POST /api/v1/chat/rooms/{_id}/attachments',
    // A form for a key under tenant 1's prefix, in tenant 1's room.
    attempts: (victim) => [{ method: 'POST', path: roomPath(victim, '/attachments'), body: { name: 'intruder.png', content_type: 'image/png', size: PNG.length } }],
  },
  {
    route: 'GET /api/v1/chat/rooms/{_id}/messages',
    attempts: (victim) => [
      { method: 'GET', path: roomPath(victim, '/messages') },
      { method: 'GET', path: roomPath(victim, '/messages?limit=1') },
      { method: 'GET', path: roomPath(victim, `/messages?cursor=${encodeURIComponent(victim.cursors.messages)}`) },
    ],
  },
  {
    route: 'PATCH /api/v1/chat/rooms/{_id}/messages/{message_id}',
    // Rewriting tenant 1's messages (or reading them back from the answer) by their own ids.
    attempts: (victim) =>
      victim.messageIds.map((id) => ({ method: 'PATCH', path: roomPath(victim, `/messages/${id}`), body: { text: 'intruder' } })),
  },
  {
    route: 'DELETE /api/v1/chat/rooms/{_id}/messages/{message_id}',
    // Taking back tenant 1's messages (or reading their tombstones) by their own ids.
    attempts: (victim) => victim.messageIds.map((id) => ({ method: 'DELETE', path: roomPath(victim, `/messages/${id}`) })),
  },
  {
    route: 'PUT /api/v1/chat/rooms/{_id}/participants/{role}',
    attempts: (victim, attacker) => [
      // Taking a seat in tenant 1's room, or handing the agent's to someone else.
      { method: 'PUT', path: roomPath(victim, '/participants/user'), body: { user_id: attacker.id } },
      { method: 'PUT', path: roomPath(victim, '/participants/agent'), body: { user_id: attacker.id } },
      { method: 'PUT', path: roomPath(victim, '/participants/agent'), body: { user_id: victim.customer.id } },
    ],
  },
  {
    route: 'POST /api/v1/chat/rooms/{_id}/close',
    attempts: (victim) => [{ method: 'POST', path: roomPath(victim, '/close') }],
  },
  {
    route: 'POST /api/v1/chat/rooms/{_id}/read',
    // Moving a participant's read cursor (or learning it) with the room's own message ids.
    attempts: (victim) => victim.messageIds.map((message_id) => ({ method: 'POST', path: roomPath(victim, '/read'), body: { message_id } })),
  },
  // Last: an admin of tenant 2 may erase tenant 2's people with the victims' ids, and that must not reach tenant 1.
  {
    route: 'POST /api/v1/chat/privacy/exports',
    // The victims' data by their ids and rooms (tenant 1's room _id named as one they left).
    attempts: (victim) => [
      { method: 'POST', path: '/api/v1/chat/privacy/exports', body: { role: 'user', user_id: victim.customer.id, room_ids: [victim.roomId] } },
      { method: 'POST', path: '/api/v1/chat/privacy/exports', body: { role: 'agent', user_id: victim.agent.id, limit: 1 } },
    ],
  },
  {
    route: 'POST /api/v1/chat/privacy/erasures',
    attempts: (victim) => [
      { method: 'POST', path: '/api/v1/chat/privacy/erasures', body: { role: 'user', user_id: victim.customer.id, room_ids: [victim.roomId] } },
      { method: 'POST', path: '/api/v1/chat/privacy/erasures', body: { role: 'agent', user_id: victim.agent.id } },
    ],
  },
];

const withoutUrls = (messages: { attachments?: { url: string }[] }[]) =>
  messages.map((message) => (message.attachments ? { ...message, attachments: message.attachments.map(({ url: _url, ...file }) => file) } : message));

/** Distinct strings only tenant 1's room holds (an attacker sends only the room and message ids, and may not get them back). */
const canaryOf = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

const setUpVictim = async () => {
  const secrets = {
    texts: [canaryOf('text'), canaryOf('text'), canaryOf('text')],
    username: canaryOf('name'),
    email: `${canaryOf('mail')}@example.com`,
    fileName: `${canaryOf('file')}.png`,
  };
  const { roomId, agent, customer, order } = await openConversation();
  const joined = await api('POST', '/api/v1/chat/startChat', customer.token, {
    ...order,
    user_id: customer.id,
    type: 'user-to-agent',
    agent_id: agent.id,
    participant: { username: secrets.username, email: secrets.email },
  });
  // A second room of the agent's, so its lists have a next page and a cursor.
  const second = await api('POST', '/api/v1/chat/startChat', agent.token, { ...TENANT_1, ...order, order_id: Number(newId()), user_id: agent.id, type: 'agent-to-user' });
  const clientMessageId = canaryOf('cmid');
  const messageIds: string[] = [];
  for (const [index, text] of secrets.texts.entries()) {
    const sent = await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, index === 0 ? customer.token : agent.token, {
      text,
      ...(index === 0 && { client_message_id: clientMessageId }),
    });
    expect(sent.status).toBe(201);
    messageIds.push(sent.body.messageData._id);
  }
  // A file sent by the customer, and an upload of the agent's waiting to be sent.
  const uploaded = async (who: Person) => {
    const form = await api('POST', `/api/v1/chat/rooms/${roomId}/attachments`, who.token, { name: secrets.fileName, content_type: 'image/png', size: PNG.length });
    expect(form.status).toBe(201);
    expect(await postForm(form.body.upload, PNG)).toBe(204);
    return form.body.attachment._id as string;
  };
  const attachments = { sent: await uploaded(customer), pending: await uploaded(agent) };
  const withFile = await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { attachments: [attachments.sent] });
  expect(withFile.status).toBe(201);
  messageIds.push(withFile.body.messageData._id);
  const rooms = await api('GET', '/api/v1/chat/rooms?limit=1', agent.token);
  const messages = await api('GET', `/api/v1/chat/rooms/${roomId}/messages?limit=1`, agent.token);
  const fetchRooms = await api('POST', '/api/room/fetchRoomByUserAgent', agent.token, {
    client_id: 1,
    sub_domain: TENANT_1.sub_domain,
    agent_db: 'salesdemo',
    agent_id: agent.id,
    limit: 1,
  });
  for (const reply of [joined, second, rooms, messages, fetchRooms]) expect(reply.status).toBe(200);
  const victim: Victim = {
    roomId,
    roomNumber: joined.body.roomData.room_id,
    order: { order_id: order.order_id, order_vendor_id: order.order_vendor_id, vendor_id: order.vendor_id },
    agent,
    customer,
    cursors: { rooms: rooms.body.next_cursor, messages: messages.body.next_cursor, fetchRooms: fetchRooms.body.next_cursor },
    clientMessageId,
    messageIds,
    attachments,
  };
  for (const cursor of Object.values(victim.cursors)) expect(cursor).toEqual(expect.any(String));
  const canaries = [
    roomId,
    second.body.roomData._id,
    ...secrets.texts,
    secrets.username,
    secrets.email,
    ...messageIds,
    clientMessageId,
    secrets.fileName,
    attachments.sent,
    attachments.pending,
  ];
  return { victim, canaries };
};

const attackersOf = async (victim: Victim): Promise<Attacker[]> => {
  const as = async (name: string, clientId: 1 | 2, role: Attacker['role'], id = newId()): Promise<Attacker> => ({
    name,
    role,
    ...(await person(clientId, role, id)),
    ownTenant: clientId === 1 ? TENANT_1 : TENANT_2,
  });
  const tenant2Key = LOCAL_TENANTS.find((tenant) => tenant.client_id === '2')!.jwt_secrets![0]!;
  const forged = async (role: Attacker['role'], id: string): Promise<Attacker> => ({
    name: `tenant 2's key claiming tenant 1 (${role})`,
    role,
    id,
    token: await signAccessToken({ secret: tenant2Key, clientId: '1', userId: id, role }),
    ownTenant: TENANT_2,
  });
  return [
    await as('tenant 2 agent with the victim agent\'s id', 2, 'agent', victim.agent.id),
    await as('tenant 2 user with the victim customer\'s id', 2, 'user', victim.customer.id),
    await as('tenant 2 vendor', 2, 'vendor'),
    await as('tenant 2 admin', 2, 'admin'),
    await as('tenant 1 agent outside the room', 1, 'agent'),
    await as('tenant 1 user outside the room', 1, 'user'),
    await as('tenant 1 vendor outside the room', 1, 'vendor'),
    await forged('admin', victim.agent.id),
    await forged('agent', victim.agent.id),
  ];
};

describe('the cross-tenant matrix', () => {
  it('returns no byte of tenant 1\'s data to anyone outside its room, on any route', async () => {
    const { victim, canaries } = await setUpVictim();
    const before = await api('GET', roomPath(victim, '/messages?limit=100'), victim.agent.token);
    // The check can fail: the room's own participant sees every canary of its room.
    const own = await api('GET', roomPath(victim), victim.agent.token);
    expect(own.body.roomData.last_message.text).toBeDefined();
    expect(canaries.filter((canary) => JSON.stringify([before.body, own.body]).includes(canary)).length).toBeGreaterThan(5);

    const attackers = await attackersOf(victim);
    const leaks: string[] = [];
    const statuses: Record<string, number> = {};
    let attempts = 0;

    // WebSocket $connect: every attacker asks for a connection of its own.
    const sockets: { attacker: Attacker; client: SocketClient }[] = [];
    for (const attacker of attackers) {
      const client = await connect({ token: attacker.token });
      attempts++;
      if (isRefusal(client)) statuses[`ws ${client.status}`] = (statuses[`ws ${client.status}`] ?? 0) + 1;
      else sockets.push({ attacker, client });
    }
    const victimSocket = await open(victim.agent.token);
    for (const row of MATRIX) {
      for (const attacker of attackers) {
        for (const attempt of row.attempts(victim, attacker)) {
          const reply = await api(attempt.method, attempt.path, attacker.token, attempt.body);
          attempts++;
          const text = JSON.stringify(reply.body ?? null);
          const leaked = canaries.filter((canary) => text.includes(canary));
          if (leaked.length > 0 || reply.status >= 500) {
            leaks.push(`${row.route} as ${attacker.name} (${attempt.method} ${attempt.path}): ${reply.status} ${text.slice(0, 200)}`);
          }
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        }
      }
    }

    // Tenant 1 chats on while the attackers listen; a ping answered afterwards proves every
    // earlier frame had its chance to arrive (WebSocket $default).
    const lastWords = canaryOf('text');
    canaries.push(lastWords);
    const said = await api('POST', roomPath(victim, '/messages'), victim.customer.token, { text: lastWords });
    expect(said.status).toBe(201);
    await victimSocket.waitFor((frame) => frame.messageData?.text === lastWords);
    for (const { attacker, client } of sockets) {
      client.send({ action: 'ping' });
      await client.waitFor((frame) => frame.event === 'pong');
      attempts++;
      const text = JSON.stringify(client.frames);
      if (canaries.some((canary) => text.includes(canary))) leaks.push(`WebSocket of ${attacker.name}: ${text.slice(0, 200)}`);
    }
    await Promise.all([victimSocket, ...sockets.map(({ client }) => client)].map((client) => client.close()));
    expect(leaks).toEqual([]);

    // Nothing was written into, or done to, tenant 1's room either.
    const after = await api('GET', roomPath(victim, '/messages?limit=100'), victim.agent.token);
    // Download URLs are signed afresh for each reading; the files themselves must be the same.
    expect(withoutUrls(after.body.messages)).toEqual(withoutUrls([said.body.messageData, ...before.body.messages]));
    expect(await objectKeys(`1/rooms/${victim.roomId}/`)).toHaveLength(1);
    const room = await api('GET', roomPath(victim), victim.agent.token);
    expect(room.body.roomData).toMatchObject({ status: true, agent_id: victim.agent.id, order_user_id: victim.customer.id });

    expect(attempts).toBeGreaterThanOrEqual(MATRIX.length * attackers.length);
    console.log(
      `cross-tenant matrix: ${attempts} attempts over ${MATRIX.length} HTTP routes and the WebSocket by ${attackers.length} attackers; ` +
        `0 bytes of tenant 1 data returned; statuses ${JSON.stringify(statuses)}`,
    );
  });

  it('has a row for every HTTP route in serverless.yml', () => {
    const functions = (loadServerlessConfig().functions ?? {}) as Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>;
    const routes = Object.values(functions)
      .flatMap((fn) => fn.events ?? [])
      .flatMap((event) => (event.httpApi ? [`${event.httpApi.method.toUpperCase()} ${event.httpApi.path}`] : []));
    const missing = routes.filter((route) => !MATRIX.some((row) => row.route === route));
    // A new route needs its row in test/http/crossTenant.test.ts MATRIX.
    expect(missing).toEqual([]);
  });
});
