/**
 * Fixtures for the edit and delete tests (not a test file itself): the room's items as stored,
 * the store writes a call makes, and writes held back until something else has happened.
 */
import type { Message } from '../../lib/messages/message';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { documentClient } from '../../lib/store/client';
import { messageKey, roomKey } from '../../lib/store/keys';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { tenant1 } from './chatFixtures';
import { getItem, partitionItems } from './cleanupFixtures';

export const ADMIN: Actor = { role: 'admin', userId: '1' };

export const refOf = (roomId: string): string => refOfRoomId(roomId)!;

/** Every item of the room's partition, as stored. */
export const partitionOf = (roomId: string, tenant: Tenant = tenant1) => partitionItems(tenant, refOf(roomId));

export const rawRoom = async (roomId: string, tenant: Tenant = tenant1): Promise<Record<string, any>> =>
  (await getItem(tenant, roomKey(tenant, refOf(roomId)))) as Record<string, any>;

export const rawMessage = async (roomId: string, messageId: string, tenant: Tenant = tenant1): Promise<Record<string, any> | undefined> =>
  getItem(tenant, messageKey(tenant, refOf(roomId), messageId));

/** The code a use case refused with, or 'resolved'. */
export const outcomeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  );

export const send = async (tenant: Tenant, actor: Actor, roomId: string, text: string, now?: Date, clientMessageId?: string): Promise<Message> =>
  (await sendMessage(tenant, actor, roomId, sendMessageRequest.parse({ text, ...(clientMessageId && { client_message_id: clientMessageId }) }), now)).message;

export interface StoreWrite {
  command: string;
  /** The item key the write addresses. */
  sk: string;
}

/** The writes (Put, Update, Delete) the tenant's client sends while `body` runs, as they are sent. */
export const writesDuring = async <T>(body: () => Promise<T>, tenant: Tenant = tenant1): Promise<{ result: T; writes: StoreWrite[] }> => {
  const writes: StoreWrite[] = [];
  const name = `writes-${Math.random()}`;
  documentClient(tenant).middlewareStack.add(
    ((next: (args: any) => Promise<any>, { commandName }: { commandName?: string }) =>
      async (args: any) => {
        if (/^(Put|Update|Delete|BatchWrite)/.test(commandName ?? '')) writes.push({ command: commandName!.replace(/Command$/, ''), sk: String(args.input?.Key?.sk ?? args.input?.Item?.sk) });
        return next(args);
      }) as never,
    { step: 'initialize', name },
  );
  try {
    return { result: await body(), writes };
  } finally {
    documentClient(tenant).middlewareStack.remove(name);
  }
};

export const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

/** What a held write is: its command and input (the document client's, unmarshalled). */
export type WriteMatcher = (command: string, input: Record<string, any>) => boolean;

/**
 * Hold the first write `matches` picks until `release` resolves, as a slow network would: it
 * reaches the store only after whatever happened meanwhile. `held` resolves once that write is
 * waiting. Returns a function that removes the hold.
 */
export const holdWrite = (matches: WriteMatcher, release: Promise<unknown>, tenant: Tenant = tenant1) => {
  const name = `hold-${Math.random()}`;
  const held = deferred();
  let taken = false;
  documentClient(tenant).middlewareStack.add(
    ((next: (args: any) => Promise<any>, { commandName }: { commandName?: string }) =>
      async (args: any) => {
        if (!taken && matches(String(commandName), args.input)) {
          taken = true;
          held.resolve();
          await release;
        }
        return next(args);
      }) as never,
    { step: 'initialize', name },
  );
  return { held: held.promise, stop: () => documentClient(tenant).middlewareStack.remove(name) };
};

/** An UpdateItem of the room item. */
export const isRoomUpdate: WriteMatcher = (command, input) => command === 'UpdateItemCommand' && input.Key?.sk === 'ROOM';

/** An UpdateItem of the message `messageId`. */
export const isMessageUpdate =
  (messageId: string): WriteMatcher =>
  (command, input) =>
    command === 'UpdateItemCommand' && input.Key?.sk === `MSG#${messageId}`;
