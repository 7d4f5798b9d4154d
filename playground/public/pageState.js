// What a reload must keep, in the page's own address: the panes' participants, the order the room
// was started for, and the room. A reload, a bookmark or a copied link opens the same conversation:
//   /playground?left=1.agent.133&right=1.user.1&order_id=5&order_number=12345678&room=<_id>
// (a participant is tenant.role.user_id; order_number and room only once there are ones).

const SIDES = ['left', 'right'];
const PARTICIPANT = /^([^.]+)\.([^.]+)\.([^.]+)$/;
const ROOM_ID = /^[0-9a-f]{24}$/;

const participantParam = ({ client_id: clientId, role, user_id: userId }) => `${clientId}.${role}.${userId}`;

const parseParticipant = (value) => {
  const match = PARTICIPANT.exec(value ?? '');
  return match ? { client_id: match[1], role: match[2], user_id: match[3] } : undefined;
};

/**
 * The state the address names. `participants` is undefined unless both sides are named (whether
 * they are usable is the participants form's rule to judge); a malformed room is ignored.
 */
export function readPageState(search = location.search) {
  const params = new URLSearchParams(search);
  const participants = SIDES.map((side) => parseParticipant(params.get(side)));
  const room = params.get('room') ?? '';
  return {
    participants: participants.every(Boolean) ? participants : undefined,
    orderId: params.get('order_id') ?? undefined,
    orderNumber: params.get('order_number') || undefined,
    roomId: ROOM_ID.test(room) ? room : undefined,
  };
}

/** Puts the state in the address, replacing the history entry (a reload is not a navigation). */
export function writePageState({ participants, orderId, orderNumber, roomId }) {
  const params = new URLSearchParams();
  participants.forEach((participant, index) => params.set(SIDES[index], participantParam(participant)));
  if (orderId) params.set('order_id', orderId);
  if (orderNumber) params.set('order_number', orderNumber);
  if (roomId) params.set('room', roomId);
  history.replaceState(null, '', `${location.pathname}?${params}`);
}
