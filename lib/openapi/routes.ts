import type * as z from '../zod';
import type { ErrorCode } from '../errors';
import { requestAttachmentUploadRequest } from '../attachments/attachmentRequest';
import { requestAttachmentUploadResponse } from '../attachments/attachmentSchemas';
import { listMessagesParams } from '../messages/listMessagesParams';
import { editMessageRequest, messagePathParams } from '../messages/messageChangeRequest';
import { deleteMessageResponse, editMessageResponse, messagesPageResponse, sendMessageResponse } from '../messages/messageSchemas';
import { sendMessageRequest } from '../messages/sendMessageRequest';
import { fetchRoomByUserAgentRequest } from '../rooms/fetchRoomByUserAgentRequest';
import { markRoomReadRequest } from '../rooms/markRoomReadRequest';
import { reassignParticipantParams, reassignParticipantRequest } from '../rooms/reassignParticipantRequest';
import { listRoomsParams, roomPathParams } from '../rooms/roomParams';
import {
  closeRoomResponse,
  fetchRoomByUserAgentResponse,
  markRoomReadResponse,
  reassignParticipantResponse,
  roomResponse,
  roomsPageResponse,
  startChatResponse,
} from '../rooms/roomSchemas';
import { startChatRequest } from '../rooms/startChatRequest';
import { erasePersonRequest, exportPersonRequest } from '../privacy/privacyRequests';
import { erasePersonResponse, exportPersonResponse } from '../privacy/privacySchemas';

export const TAGS = [
  { name: 'Documents', description: "The API's machine-readable descriptions" },
  { name: 'Messages', description: 'Sending, editing, deleting and paging messages, read receipts' },
  { name: 'Platform', description: "The platform's own endpoints, wire-compatible with its published pages" },
  { name: 'Privacy', description: "One person's data on request: export and erasure (admins only)" },
  { name: 'Rooms', description: 'Rooms of the v1 API: read, list, close, reassign' },
] as const;

/** What each path or query parameter is, by name, or by `<operationId> <name>` where a route means something else by it. */
export const PARAMETER_DESCRIPTIONS: Record<string, string> = {
  _id: "The room's `_id`, as startChat returns it",
  role: 'The slot to give: agent, user or vendor',
  'listRooms role': 'Whose rooms: their role (admins only, with `user_id`)',
  limit: 'How many to return, 1 to 100',
  cursor: '`next_cursor` of the previous page; omit for the first page',
  type: 'Only rooms of this conversation type (either spelling, either side first)',
  status: 'Only open (`true`) or closed (`false`) rooms',
  agent_db: "Only rooms of this agent's database",
  user_id: 'Whose rooms (admins only, with `role`; others may name only themselves)',
  message_id: "The message's `_id`, as the send returned it",
};

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** The serverless.yml function serving the route: client generators name their methods after it. */
  operationId: string;
  tag: (typeof TAGS)[number]['name'];
  summary: string;
  description: string;
  /** The schemas the handler validates with. */
  body?: z.ZodMiniType;
  params?: z.ZodMiniObject;
  /** Where the tenant is named: the body's `client_id`/`sub_domain`/`db_name`, or the token's claim. */
  tenantFrom: 'body' | 'token';
  /** Whether it pages with an encrypted cursor. */
  pages?: boolean;
  success: { status: 200 | 201; description: string; body: z.ZodMiniType };
  /** The use case's own error codes; those of the stack (token, body, paging, store) follow from the fields above. */
  errors: ErrorCode[];
}

/** The routes, with the very schemas their handlers validate with and answer by: the document cannot drift from the code. */
export const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/api/v1/chat/startChat',
    operationId: 'startChat',
    tag: 'Platform',
    summary: 'Get or create the room of an order conversation',
    description:
      "The published startChat: one room per (tenant, order, order vendor, conversation type). The first call creates it, later calls return it (touching `updated_date`, reopening it if closed). The caller acts as `user_id` in the initiator's role of `type`; the other slots may be named in `agent_id`, `order_user_id`, `vendor_user_id`.",
    body: startChatRequest,
    tenantFrom: 'body',
    success: { status: 200, description: 'The room, new or existing', body: startChatResponse },
    errors: ['FORBIDDEN', 'ROOM_NOT_FOUND', 'ORDER_NUMBER_TAKEN'],
  },
  {
    method: 'post',
    path: '/api/room/fetchRoomByUserAgent',
    operationId: 'fetchRoomByUserAgent',
    tag: 'Platform',
    summary: "An agent's rooms with their participants",
    description:
      "The platform's listing of an agent's rooms, newest activity first, each with its participants (`user_Data`). `limit` and `cursor` page it; without them the newest 100 come back.",
    body: fetchRoomByUserAgentRequest,
    tenantFrom: 'body',
    pages: true,
    success: { status: 200, description: 'A page of rooms', body: fetchRoomByUserAgentResponse },
    errors: ['FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/api/v1/chat/rooms',
    operationId: 'listRooms',
    tag: 'Rooms',
    summary: "The caller's rooms, newest activity first",
    description:
      "A page of the caller's rooms with unread counts and last-message previews, filtered by `type`, `status`, `agent_db`. An admin names whose rooms with `role` and `user_id`.",
    params: listRoomsParams,
    tenantFrom: 'token',
    pages: true,
    success: { status: 200, description: 'A page of rooms', body: roomsPageResponse },
    errors: ['FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/api/v1/chat/rooms/{_id}',
    operationId: 'getRoom',
    tag: 'Rooms',
    summary: 'One room with its participants',
    description: "A room the caller takes part in (or any room of the tenant, for an admin), with the caller's read state.",
    params: roomPathParams,
    tenantFrom: 'token',
    success: { status: 200, description: 'The room', body: roomResponse },
    errors: ['ROOM_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/rooms/{_id}/messages',
    operationId: 'sendMessage',
    tag: 'Messages',
    summary: 'Send a message (idempotent by client_message_id)',
    description:
      "Stores a message and pushes `message.created` to the participants' sockets. Sent again with the same `client_message_id`, it returns the first message and stores nothing. Each sender is paced per room (429 with `Retry-After`). `attachments` lists uploads of the sender's for this room (POST /api/v1/chat/rooms/{_id}/attachments); each is checked before anything is written (uploaded through its form in time, exactly its size, within the tenant's limit and types, its first bytes of the declared type), and a refusal is a 400 naming each `attachments.<i>` at fault. The message then carries each file with a download URL valid 15 minutes.",
    params: roomPathParams,
    body: sendMessageRequest,
    tenantFrom: 'token',
    success: { status: 201, description: 'The message (the original one for a retry)', body: sendMessageResponse },
    errors: ['ROOM_NOT_FOUND', 'ROOM_CLOSED', 'RATE_LIMITED'],
  },
  {
    method: 'get',
    path: '/api/v1/chat/rooms/{_id}/messages',
    operationId: 'listMessages',
    tag: 'Messages',
    summary: 'Page messages, newest first',
    description: "A page of the room's messages, newest first; `next_cursor` fetches the older ones.",
    params: listMessagesParams,
    tenantFrom: 'token',
    pages: true,
    success: { status: 200, description: 'A page of messages', body: messagesPageResponse },
    errors: ['ROOM_NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/api/v1/chat/rooms/{_id}/messages/{message_id}',
    operationId: 'editMessage',
    tag: 'Messages',
    summary: 'Edit a message (its sender, within the edit window)',
    description:
      "Replaces the text of the caller's own message, masked by the tenant's policy as a send is; only the latest text is kept, with `edited_date`. Allowed for the tenant's edit window after sending (15 minutes unless the tenant sets another; 409 EDIT_WINDOW_CLOSED after it), in an open room. The same text again changes nothing. Edits count on the sender's flood limit (429 with `Retry-After`). Pushes `message.updated`; the room's `last_message` follows when it is the newest message.",
    params: messagePathParams,
    body: editMessageRequest,
    tenantFrom: 'token',
    success: { status: 200, description: 'The message as edited (as it is, for the same text again)', body: editMessageResponse },
    errors: ['FORBIDDEN', 'ROOM_NOT_FOUND', 'MESSAGE_NOT_FOUND', 'ROOM_CLOSED', 'EDIT_WINDOW_CLOSED', 'MESSAGE_DELETED', 'RATE_LIMITED'],
  },
  {
    method: 'delete',
    path: '/api/v1/chat/rooms/{_id}/messages/{message_id}',
    operationId: 'deleteMessage',
    tag: 'Messages',
    summary: 'Delete a message (its sender, or an admin)',
    description:
      "Removes the message's text (and attachments) from the store, at any time, the room open or closed; a tombstone (`deleted: true`, `deleted_date`, no text) keeps its place, so pages, read cursors and unread counts are unchanged, and a send retried with its `client_message_id` returns the tombstone instead of sending it again. Deleting a deleted message changes nothing. Pushes `message.deleted`; the room's `last_message` follows when it is the newest message.",
    params: messagePathParams,
    tenantFrom: 'token',
    success: { status: 200, description: 'The tombstone', body: deleteMessageResponse },
    errors: ['FORBIDDEN', 'ROOM_NOT_FOUND', 'MESSAGE_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/rooms/{_id}/attachments',
    operationId: 'requestAttachmentUpload',
    tag: 'Messages',
    summary: 'A form to upload one file straight to S3, for a message',
    description:
      "Participants (and admins) of an open room. `content_type` must be one the tenant allows (by default image/jpeg, image/png, image/webp, application/pdf; never SVG or HTML) and `size` within its limit (10 MB by default). The answer is a presigned POST valid 5 minutes: send `upload.fields` and then the file as `file` in a multipart/form-data POST to `upload.url`; S3 refuses any other key, type or size. Then send a message with `attachments: [attachment._id]`, which checks the upload (yours, this room's, stored through the form, exactly `size` bytes, its first bytes of the declared type) before anything is written. An upload never sent is deleted after a day.",
    params: roomPathParams,
    body: requestAttachmentUploadRequest,
    tenantFrom: 'token',
    success: { status: 201, description: 'The upload form', body: requestAttachmentUploadResponse },
    errors: ['ROOM_NOT_FOUND', 'ROOM_CLOSED'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/rooms/{_id}/close',
    operationId: 'closeRoom',
    tag: 'Rooms',
    summary: 'Close a room',
    description: 'No more messages (409 ROOM_CLOSED) until startChat reopens it; pushes `room.closed`. Closing a closed room changes nothing.',
    params: roomPathParams,
    tenantFrom: 'token',
    success: { status: 200, description: 'The closed room', body: closeRoomResponse },
    errors: ['ROOM_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/rooms/{_id}/read',
    operationId: 'markRoomRead',
    tag: 'Messages',
    summary: 'Mark the room read up to a message',
    description:
      "Participants only. Moves the caller's read cursor forward to `message_id` (never back) and pushes `room.read` to the others.",
    params: roomPathParams,
    body: markRoomReadRequest,
    tenantFrom: 'token',
    success: { status: 200, description: "The room and the caller's read cursor", body: markRoomReadResponse },
    errors: ['ROOM_NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/api/v1/chat/rooms/{_id}/participants/{role}',
    operationId: 'reassignParticipant',
    tag: 'Rooms',
    summary: "Give a room's slot to another user",
    description: 'Admins only. The previous holder of the slot loses access to the room.',
    params: reassignParticipantParams,
    body: reassignParticipantRequest,
    tenantFrom: 'token',
    success: { status: 200, description: 'The room with its new participant', body: reassignParticipantResponse },
    errors: ['FORBIDDEN', 'ROOM_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/privacy/exports',
    operationId: 'exportPersonData',
    tag: 'Privacy',
    summary: "Export one person's chat data",
    description:
      "Admins only. The rooms the person (`role` + `user_id`) holds a slot in, with their seat, profile, read cursor and the messages they wrote, a page of rooms at a time (`limit`, `cursor`); the first page also holds their connections and the rooms named in `room_ids` that they were reassigned out of. Nobody else's messages or profile.",
    body: exportPersonRequest,
    tenantFrom: 'token',
    pages: true,
    success: { status: 200, description: 'A page of the export', body: exportPersonResponse },
    errors: ['FORBIDDEN'],
  },
  {
    method: 'post',
    path: '/api/v1/chat/privacy/erasures',
    operationId: 'erasePersonData',
    tag: 'Privacy',
    summary: "Erase one person's chat data",
    description:
      "Admins only. Removes the person's profile, read cursors, connections and client_message_ids, turns their messages into tombstones (`deleted: true`, no text) and gives their slots an anonymous id (`erased-…`), in their rooms and in those named in `room_ids`. Idempotent and resumable: `erasureData.status` is `in_progress` when the request's time ran out (send it again), `complete` when nothing of theirs is left; an audit record without personal data keeps who asked, when and the counts.",
    body: erasePersonRequest,
    tenantFrom: 'token',
    success: { status: 200, description: 'The erasure, complete or in progress', body: erasePersonResponse },
    errors: ['FORBIDDEN'],
  },
];

/** What every authenticated route may answer before its use case runs, and after it fails. */
const stackErrors = (route: Route): ErrorCode[] => [
  ...(route.body ? (['INVALID_JSON', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) : []),
  ...(route.params ? (['VALIDATION_ERROR'] as const) : []),
  ...(route.pages ? (['INVALID_CURSOR'] as const) : []),
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TENANT_MISMATCH',
  'TENANT_SUSPENDED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
];

/** Every code the route can answer with. */
export const errorCodesOf = (route: Route): ErrorCode[] => [...new Set([...stackErrors(route), ...route.errors])];
