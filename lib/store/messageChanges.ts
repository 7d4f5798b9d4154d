import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { Moderation } from '../messages/masking';
import type { Message } from '../messages/message';
import type { SendPace } from '../messages/sendRate';
import type { Room } from '../rooms/room';
import type { SlotHolder } from '../rooms/roomEntry';
import { documentClient } from './client';
import { unlessConditionFails } from './conditions';
import { messageKey, roomKey, type TenantKeyScope } from './keys';
import { toMessage } from './messages';
import { holderClause, sendRateClause, toRoom } from './roomItem';

/*
 * The writes that change a message after it was sent: its edit and its deletion, each one
 * conditional UpdateItem on the message, and the room's part in them, one conditional UpdateItem
 * on the room item. dynalite (the local store) has no transactions, so the room's write comes
 * first and decides whether the change may happen (membership, pacing, the preview); the
 * message's write then carries every condition about the message itself. Neither creates an item.
 */

/** What a change does to the room's preview of its message. */
type PreviewChange =
  | { kind: 'edit'; messageId: string; text: string; editedDate: string }
  | { kind: 'delete'; messageId: string; deletedDate: string };

/** The room's part in a change of one of its messages. */
interface RoomChange {
  /** The slot the writer must still hold; undefined for an admin. */
  holder: SlotHolder | undefined;
  /** Edits only: the room must still be open. */
  requireOpen?: boolean;
  /** Edits count on the flood limit: the sender's pacing step, once per edit. */
  pace?: { sender: string; step: SendPace };
  /** When the changed message is the room's preview (and the preview not deleted yet). */
  preview?: PreviewChange;
}

/**
 * The room's part in a change of one of its messages, in one conditional UpdateItem: conditional
 * on this incarnation, the writer still holding their slot, (for an edit) the room being open and
 * the sender's pacing step; with `preview`, the preview becomes the edited text or a tombstone,
 * conditional on it still being that message, not deleted, and (for an edit) holding an older edit,
 * so concurrent edits never move it back and an edit never revives a deleted preview. When there
 * is nothing else to write, the writer's slot is written with its own value: the membership check
 * made as a write, which a reassignment racing it cannot slip between. The room as it is after, or
 * undefined when a condition failed (nothing written).
 */
export const changeRoomOfMessage = async (tenant: TenantKeyScope, ref: string, roomId: string, change: RoomChange): Promise<Room | undefined> => {
  const holder = holderClause(change.holder);
  const set: string[] = [];
  const remove: string[] = [];
  const conditions = ['#id = :roomId', ...(holder.condition ? [holder.condition] : [])];
  const names: Record<string, string> = { '#id': '_id', ...holder.names };
  const values: Record<string, unknown> = { ':roomId': roomId, ...holder.values };
  if (change.requireOpen) {
    conditions.push('#status = :open');
    names['#status'] = 'status';
    values[':open'] = true;
  }
  if (change.pace) {
    const rate = sendRateClause(change.pace.sender, change.pace.step);
    set.push(rate.set);
    conditions.push(rate.condition);
    Object.assign(names, rate.names);
    Object.assign(values, rate.values);
  }
  const preview = change.preview;
  if (preview) {
    conditions.push('last_message.#id = :messageId', 'attribute_not_exists(last_message.#deleted)');
    Object.assign(names, { '#deleted': 'deleted', '#text': 'text', '#editedDate': 'edited_date' });
    values[':messageId'] = preview.messageId;
    if (preview.kind === 'edit') {
      set.push('last_message.#text = :previewText', 'last_message.#editedDate = :editedDate');
      conditions.push('(attribute_not_exists(last_message.#editedDate) OR last_message.#editedDate < :editedDate)');
      Object.assign(values, { ':previewText': preview.text, ':editedDate': preview.editedDate });
    } else {
      set.push('last_message.#deleted = :deleted', 'last_message.#deletedDate = :deletedDate');
      remove.push('last_message.#text', 'last_message.#editedDate');
      names['#deletedDate'] = 'deleted_date';
      Object.assign(values, { ':deleted': true, ':deletedDate': preview.deletedDate });
    }
  }
  if (set.length === 0) {
    if (!holder.condition) throw new Error('A room change without a holder, pacing or preview writes nothing');
    set.push('#holderSlot = :holder');
  }
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  });
};

/** The message's own conditions: it exists (no write creates it), belongs to this incarnation and is not deleted. */
const liveMessageConditions = ['attribute_exists(pk)', '#room = :roomId', 'attribute_not_exists(#deleted)'];

interface StoredEdit {
  roomId: string;
  messageId: string;
  sender: { id: string; type: string };
  text: string;
  moderation: Moderation | undefined;
  editedDate: string;
  /** The oldest `created_date` the edit window still admits. */
  windowStart: string;
}

/**
 * Replace a message's text, in one conditional UpdateItem: only the latest text is kept (with what
 * masking took out of it, or nothing), and `edited_date` set. Conditional on the message existing
 * in this incarnation, not deleted, being the sender's, still within the edit window, and holding
 * no later edit. The message after, or undefined when a condition failed.
 */
export const editStoredMessage = (tenant: TenantKeyScope, ref: string, edit: StoredEdit): Promise<Message | undefined> =>
  unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: messageKey(tenant, ref, edit.messageId),
        UpdateExpression: `SET #text = :text, #editedDate = :editedDate${edit.moderation ? ', #moderation = :moderation' : ' REMOVE #moderation'}`,
        ConditionExpression: [
          ...liveMessageConditions,
          '#sender = :sender',
          '#senderType = :senderType',
          '#created >= :windowStart',
          '(attribute_not_exists(#editedDate) OR #editedDate < :editedDate)',
        ].join(' AND '),
        ExpressionAttributeNames: {
          '#room': 'room',
          '#deleted': 'deleted',
          '#text': 'text',
          '#editedDate': 'edited_date',
          '#moderation': 'moderation',
          '#sender': 'sender_id',
          '#senderType': 'sender_type',
          '#created': 'created_date',
        },
        ExpressionAttributeValues: {
          ':roomId': edit.roomId,
          ':text': edit.text,
          ':editedDate': edit.editedDate,
          ':sender': edit.sender.id,
          ':senderType': edit.sender.type,
          ':windowStart': edit.windowStart,
          ...(edit.moderation && { ':moderation': edit.moderation }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toMessage(Attributes!);
  });

interface StoredDeletion {
  roomId: string;
  messageId: string;
  /** Whose message it must be; undefined when an admin deletes it. */
  sender: { id: string; type: string } | undefined;
  deletedDate: string;
}

/**
 * Turn a message into its tombstone, in one conditional UpdateItem: its text, what masking noted
 * of it, its edit time and its attachments are removed from the item; `deleted` and
 * `deleted_date` are set; its `_id`, sender, time, client_message_id and read marks stay, so pages,
 * counts, read cursors and a retried send (which finds the tombstone) are unchanged. Conditional
 * on the message existing in this incarnation, not deleted yet, and (unless an admin deletes it)
 * being the sender's. The tombstone, or undefined when a condition failed.
 */
export const tombstoneStoredMessage = (tenant: TenantKeyScope, ref: string, deletion: StoredDeletion): Promise<Message | undefined> =>
  unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: messageKey(tenant, ref, deletion.messageId),
        UpdateExpression: 'SET #deleted = :deleted, #deletedDate = :deletedDate REMOVE #text, #moderation, #editedDate, #attachments',
        ConditionExpression: [...liveMessageConditions, ...(deletion.sender ? ['#sender = :sender', '#senderType = :senderType'] : [])].join(' AND '),
        ExpressionAttributeNames: {
          '#room': 'room',
          '#deleted': 'deleted',
          '#deletedDate': 'deleted_date',
          '#text': 'text',
          '#moderation': 'moderation',
          '#editedDate': 'edited_date',
          '#attachments': 'attachments',
          ...(deletion.sender && { '#sender': 'sender_id', '#senderType': 'sender_type' }),
        },
        ExpressionAttributeValues: {
          ':roomId': deletion.roomId,
          ':deleted': true,
          ':deletedDate': deletion.deletedDate,
          ...(deletion.sender && { ':sender': deletion.sender.id, ':senderType': deletion.sender.type }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toMessage(Attributes!);
  });
