import { getRoomByRef } from '../../lib/store/rooms';
import { listMessages } from '../../lib/messages/listMessages';
import { sendMessage } from '../../lib/messages/sendMessage';
import { at, cleanup, newTenant, partitionItems, refOf, startRoom, T0 } from './cleanupFixtures';

const agent = { userId: '133', role: 'agent' as const };

describe('cleanup with real messages (retention counts message activity)', () => {
  it('a new message is activity: it pushes the room past a pass that would have removed it', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0);
    await sendMessage(tenant, agent, room._id, { text: 'still here' }, at(T0, 20));

    const summary = await cleanup([tenant], at(T0, 31));
    expect(summary).toMatchObject({ deleted: 0 });
    const page = await listMessages(tenant, agent, { _id: room._id, limit: 10 });
    expect(page.messages.map((message) => message.text)).toEqual(['still here']);
  });

  it('removes the room with its messages, retry markers and participants', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0, undefined, { order_user_id: 77, vendor_user_id: 88 });
    for (let i = 0; i < 5; i++) {
      await sendMessage(tenant, agent, room._id, { text: `message ${i}`, client_message_id: `m-${i}` }, at(T0, 0, i + 1));
    }
    const before = await partitionItems(tenant, refOf(room));
    expect(before.length).toBeGreaterThanOrEqual(1 + 5 + 5);

    const summary = await cleanup([tenant], at(T0, 31));
    expect(summary).toMatchObject({ deleted: 1 });
    expect(await partitionItems(tenant, refOf(room))).toEqual([]);
    expect(await getRoomByRef(tenant, refOf(room))).toBeUndefined();

    // The conversation starts over as a new room with no history.
    const again = await startRoom(tenant, at(T0, 32), Number(room.order_id));
    expect(again._id).not.toBe(room._id);
    const page = await listMessages(tenant, agent, { _id: again._id, limit: 10 });
    expect(page.messages).toEqual([]);
  });
});
