// The playground: two participants of an order conversation, side by side, live over the
// WebSocket. Everything goes through the public API with the participants' own tokens; the
// local stack only serves this page, its config and development tokens.
import { call, describeError } from './api.js';
import { attachFile } from './attachments.js';
import { renderExchange } from './exchange.js';
import { readPageState, writePageState } from './pageState.js';
import { PaneView, useRoleNames } from './pane.js';
import { pairProblem, ParticipantsForm } from './participants.js';
import { connectSocket } from './socket.js';
import { WebhooksPanel } from './webhooks.js';

const ROOMS = '/api/v1/chat/rooms';
/** Where startChat names a participant of each role; the initiator's own slot is `user_id`. */
const SLOT_OF_ROLE = { agent: 'agent_id', user: 'order_user_id', vendor: 'vendor_user_id' };
const MESSAGES_SHOWN = 50;

const pageError = document.getElementById('page-error');
const exchange = document.getElementById('exchange');
const startForm = document.getElementById('start-form');
const orderField = (name) => startForm.elements.namedItem(name);

const showPageError = (text) => {
  pageError.textContent = text;
  pageError.hidden = !text;
};

/** One pane's participant: its session (token, tenant), socket, room state and read cursor. */
class Participant {
  constructor(view) {
    this.view = view;
    this.session = undefined;
    this.socket = undefined;
    this.room = undefined;
    this.unread = 0;
    /** The newest message this participant has read. */
    this.lastRead = undefined;
  }

  get token() {
    return this.session.token;
  }

  isMe(reader) {
    const { role, user_id: userId } = this.session.participant;
    return reader?.user_type === role && String(reader?.user_id) === userId;
  }

  setUnread(count) {
    this.unread = count;
    this.view.showUnread(count);
  }
}

/** The order fields of the room shown (as typed when it was started) are kept with it in the address. */
const state = { config: undefined, roomId: undefined, orderId: undefined, orderNumber: undefined, panes: [], participantsForm: undefined, webhooks: undefined };

const rememberInAddress = () =>
  writePageState({
    participants: state.panes.map((pane) => pane.session.participant),
    orderId: state.orderId,
    orderNumber: state.orderNumber,
    roomId: state.roomId,
  });

/**
 * The published startChat body for this order, sent by `initiator`, naming the other participant.
 * `order_number` only when typed, as typed: the API judges it (and names it when it refuses it).
 */
const startChatBody = (initiator, other, orderId, orderNumber) => {
  const me = initiator.session;
  const them = other.session;
  const body = {
    ...state.config.seed.body,
    sub_domain: me.tenant.sub_domain,
    client_id: Number(me.tenant.client_id),
    db_name: me.tenant.db_name,
    user_id: me.participant.user_id,
    type: `${me.participant.role}-to-${them.participant.role}`,
    order_id: /^[0-9]+$/.test(orderId) ? Number(orderId) : orderId,
    ...(orderNumber && { order_number: orderNumber }),
  };
  const slot = SLOT_OF_ROLE[them.participant.role];
  if (slot && them.participant.role !== me.participant.role) body[slot] = them.participant.user_id;
  return body;
};

const seedHeaders = (token) =>
  Object.fromEntries(Object.entries(state.config.seed.headers).map(([name, value]) => [name, value.replace('{{token}}', token)]));

const typedOrder = () => ({ orderId: orderField('order_id').value.trim(), orderNumber: orderField('order_number').value.trim() });

/**
 * Runs startChat as the pane `initiatorIndex` for the order (the typed one unless given), shows the
 * exchange, and opens the room in both panes.
 */
async function startChat(initiatorIndex, { orderId, orderNumber } = typedOrder()) {
  const initiator = state.panes[initiatorIndex];
  const other = state.panes[1 - initiatorIndex];
  const reply = await call('POST', state.config.seed.path, {
    headers: seedHeaders(initiator.token),
    body: startChatBody(initiator, other, orderId, orderNumber),
  });
  renderExchange(exchange, `startChat as ${initiator.view.title.textContent}`, reply);
  if (!reply.ok) {
    initiator.view.showError(describeError(reply));
    return;
  }
  initiator.view.clearError();
  state.roomId = reply.json.roomData._id;
  state.orderId = orderId;
  state.orderNumber = orderNumber || undefined;
  rememberInAddress();
  await Promise.all(state.panes.map(openRoom));
}

/**
 * Loads the room and its latest messages as this participant sees them. Another room or another
 * participant starts from an empty pane; the same one (a reload after a reopen or a reconnect)
 * keeps showing, and sending to, what it has until the fresh view arrives, so no send is refused
 * meanwhile and no message sent meanwhile is lost (messages dedupe by `_id`).
 */
async function openRoom(pane) {
  const roomId = state.roomId;
  const view = `${roomId}|${pane.token}`;
  if (pane.shown !== view) {
    pane.view.clearMessages();
    pane.room = undefined;
    pane.shown = undefined;
    pane.view.showRoom(undefined);
    // Nothing shown, nothing unread: the count is this participant's, worked out below once the room loads.
    pane.lastRead = undefined;
    pane.setUnread(0);
  }
  if (!roomId) return;
  const roomReply = await call('GET', `${ROOMS}/${roomId}`, { token: pane.token });
  if (!roomReply.ok) {
    pane.view.showError(describeError(roomReply));
    return;
  }
  const messagesReply = await call('GET', `${ROOMS}/${roomId}/messages?limit=${MESSAGES_SHOWN}`, { token: pane.token });
  if (!messagesReply.ok) {
    pane.view.showError(describeError(messagesReply));
    return;
  }
  // A newer startChat or participant change has taken over this pane meanwhile.
  if (state.roomId !== roomId || `${state.roomId}|${pane.token}` !== view) return;
  pane.shown = view;
  pane.view.clearError();
  const room = roomReply.json.roomData;
  pane.room = room;
  pane.view.showRoom(room);
  for (const message of messagesReply.json.messages) pane.view.addMessage(message);
  pane.setUnread(unreadOnLoad(pane, room));
  // The others' read cursors, where the room view carries them, draw the read ticks.
  for (const participant of room.user_Data ?? []) {
    if (!pane.isMe(participant) && participant.last_read_message_id) pane.view.markReadUpTo(participant.last_read_message_id);
  }
  if (pane.view.looking) await readNow(pane);
}

/**
 * This participant's unread count once `room` is in the pane. The room may be older than what the
 * pane shows: a message the socket delivered, or a read this pane made, while it was on its way.
 */
function unreadOnLoad(pane, room) {
  const roomRead = room.last_read_message_id ?? undefined;
  if (pane.lastRead && (!roomRead || pane.lastRead > roomRead)) return pane.view.countFromOthersAfter(pane.lastRead);
  pane.lastRead = roomRead;
  const shown = pane.view.countFromOthersAfter(roomRead);
  // The room's count also covers messages older than the ones loaded.
  return typeof room.unread_count === 'number' ? Math.max(room.unread_count, shown) : shown;
}

/** Sends the text and the files uploaded for it (text may be empty when there are files). */
async function send(pane, text, attachmentIds) {
  if (!pane.room) {
    pane.view.showError('Start a chat first.');
    return false;
  }
  const reply = await call('POST', `${ROOMS}/${pane.room._id}/messages`, {
    token: pane.token,
    body: { ...(text && { text }), ...(attachmentIds.length && { attachments: attachmentIds }), client_message_id: crypto.randomUUID() },
  });
  if (!reply.ok) {
    pane.view.showError(describeError(reply));
    return false;
  }
  pane.view.clearError();
  pane.view.addMessage(reply.json.messageData);
  return true;
}

/** Marks the newest message from the others as read, when there is one not read yet. */
async function readNow(pane) {
  const newest = pane.view.newestFromOthers();
  if (!pane.room || !newest || (pane.lastRead && newest <= pane.lastRead) || pane.reading) return;
  pane.reading = true;
  try {
    const reply = await call('POST', `${ROOMS}/${pane.room._id}/read`, { token: pane.token, body: { message_id: newest } });
    if (!reply.ok) {
      pane.view.showError(describeError(reply));
      return;
    }
    pane.lastRead = reply.json.last_read_message_id ?? newest;
    pane.setUnread(pane.view.countFromOthersAfter(pane.lastRead));
  } finally {
    pane.reading = false;
  }
  // Something may have arrived while the read was in flight.
  if (pane.view.looking) await readNow(pane);
}

async function toggleRoom(pane) {
  if (!pane.room) return;
  if (!pane.room.status) {
    // startChat reopens the conversation's room: the room's own order, whatever the form says now.
    await startChat(state.panes.indexOf(pane), { orderId: state.orderId ?? typedOrder().orderId, orderNumber: state.orderNumber ?? '' });
    return;
  }
  const reply = await call('POST', `${ROOMS}/${pane.room._id}/close`, { token: pane.token });
  if (!reply.ok) {
    pane.view.showError(describeError(reply));
    return;
  }
  pane.view.clearError();
  pane.room = { ...pane.room, ...reply.json.roomData };
  pane.view.showRoom(pane.room);
}

const sameRoom = (event) => state.roomId !== undefined && event.roomData?._id === state.roomId;

function onEvent(pane, event) {
  switch (event.event) {
    case 'message.created': {
      if (!sameRoom(event)) return;
      // The sender's own pane has it from the 201 already: addMessage dedupes by _id.
      if (!pane.view.addMessage(event.messageData) || pane.view.isMine(event.messageData)) return;
      if (pane.view.looking) void readNow(pane);
      else pane.setUnread(pane.unread + 1);
      return;
    }
    case 'room.read': {
      if (!sameRoom(event)) return;
      if (pane.isMe(event.reader)) {
        // Read on another device of mine.
        pane.lastRead = event.message_id;
        pane.setUnread(pane.view.countFromOthersAfter(event.message_id));
      } else {
        pane.view.markReadUpTo(event.message_id);
      }
      return;
    }
    case 'room.closed':
    case 'room.opened': {
      if (!sameRoom(event) || !pane.room) return;
      pane.room = { ...pane.room, ...event.roomData, status: event.event === 'room.opened' };
      pane.view.showRoom(pane.room);
      return;
    }
    default:
      return; // pong, and events a newer server may add
  }
}

function connect(pane) {
  pane.socket?.close();
  pane.socket = undefined;
  if (!state.config.websocket_url) {
    pane.view.showSocket('none (this stack has no WebSocket API)');
    return;
  }
  pane.view.showSocketError('');
  const { token } = pane;
  pane.socket = connectSocket(state.config.websocket_url, token, {
    onEvent: (event) => onEvent(pane, event),
    onState: (socketState, reconnected, refusal) => {
      pane.view.showSocket(socketState);
      // Events sent while the socket was down are gone: load the room again.
      if (reconnected) void openRoom(pane);
      if (refusal) pane.view.showSocketError(refusalText(refusal));
    },
    checkRefusal: () => tokenRefusal(token),
  });
}

/**
 * Whether the API refuses this token for good: the WebSocket authorizer authenticates a
 * token exactly as every HTTP route does (401 for a missing, forged or expired token, 403 for a
 * suspended tenant), so one cheap authenticated request tells a refusal from a stack that is
 * merely away (a network error, a 5xx, or a success: then the socket is retried).
 */
async function tokenRefusal(token) {
  const reply = await call('GET', `${ROOMS}?limit=1`, { token });
  return reply.status === 401 || reply.status === 403 ? reply : undefined;
}

const refusalText = (reply) =>
  `The socket was refused and is not retried: ${describeError(reply)}.` +
  (reply.status === 401 ? ' Reload the page for fresh tokens.' : '');

/**
 * The token route's headers: X-Playground is one no cross-site form can send, so the stack mints
 * tokens only for this page.
 */
const TOKEN_REQUEST_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Playground': '1' };

/** Development tokens for the participants (from the local stack), then a fresh view of the room. Whether it got them. */
async function useParticipants(participants) {
  const replies = await Promise.all(
    participants.map((participant) => call('POST', '/playground/tokens', { body: participant, headers: TOKEN_REQUEST_HEADERS })),
  );
  const failed = replies.find((reply) => !reply.ok);
  if (failed) {
    showPageError(`Could not get a token: ${describeError(failed)}`);
    return false;
  }
  showPageError('');
  replies.forEach((reply, index) => {
    const pane = state.panes[index];
    pane.session = reply.json;
    pane.view.showParticipant(reply.json.participant, reply.json.tenant);
    connect(pane);
  });
  state.participantsForm.fill(state.panes.map((pane) => pane.session.participant));
  // Both panes are of one tenant: its backend's view of their events.
  state.webhooks.show(state.panes[0].session.tenant.client_id);
  rememberInAddress();
  await Promise.all(state.panes.map(openRoom));
  return true;
}

/**
 * What the address names (participants, order fields, room), or the config's participants when
 * it names none; a pair the form would refuse is not used, and the page says why.
 */
function restoreFromAddress() {
  const saved = readPageState();
  if (saved.orderId !== undefined) orderField('order_id').value = saved.orderId;
  if (saved.orderNumber !== undefined) orderField('order_number').value = saved.orderNumber;
  state.orderId = saved.orderId;
  state.orderNumber = saved.orderNumber;
  state.roomId = saved.roomId;
  const problem = saved.participants && pairProblem(saved.participants, state.config.tenants);
  return {
    participants: saved.participants && !problem ? saved.participants : state.config.participants,
    problem: problem && `The address's participants were not used: ${problem}.`,
  };
}

/** The address's participants, or the config's when the address names none or ones the stack refuses. */
async function startWithAddress() {
  const { participants, problem } = restoreFromAddress();
  if (await useParticipants(participants)) {
    if (problem) showPageError(problem);
    return;
  }
  if (participants === state.config.participants) return;
  const refused = pageError.textContent;
  if (await useParticipants(state.config.participants)) showPageError(`The address's participants were not used: ${refused}`);
}

async function main() {
  const configReply = await call('GET', '/playground/config.json');
  if (!configReply.ok) {
    showPageError(`Could not load the playground's configuration: ${describeError(configReply)}`);
    return;
  }
  state.config = configReply.json;
  useRoleNames(state.config.role_names);
  const template = document.getElementById('pane-template');
  const panes = document.getElementById('panes');
  state.panes = state.config.participants.map((_, index) => {
    let pane;
    const view = new PaneView(template, `pane-${index}`, {
      send: (text, attachmentIds) => send(pane, text, attachmentIds),
      attach: (file) => attachFile(pane, file),
      toggleRoom: () => toggleRoom(pane),
      look: () => void readNow(pane),
    });
    pane = new Participant(view);
    panes.append(view.element);
    return pane;
  });
  state.webhooks = new WebhooksPanel(document.getElementById('webhooks'));
  state.participantsForm = new ParticipantsForm(document.getElementById('participants-form'), state.config.tenants, (participants) => void useParticipants(participants));
  startForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void startChat(0);
  });
  await startWithAddress();
  document.body.dataset.ready = 'true';
}

void main();
