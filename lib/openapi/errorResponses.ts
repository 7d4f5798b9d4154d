import { ERROR_STATUS, type ErrorCode } from '../errors';

/**
 * What each code means to a client, for the document. The codes and their statuses come from the
 * catalogue (lib/errors.ts), so a code added there is in the document's `ErrorCode` at once; one
 * missing here is listed by name alone.
 */
const MEANING: Partial<Record<ErrorCode, string>> = {
  INVALID_JSON: 'The body is missing or is not JSON',
  VALIDATION_ERROR: 'A field breaks its rule; `errors` names each one',
  INVALID_CURSOR: '`cursor` is not one this query issued (or it was altered)',
  TOKEN_MISSING: 'No token in `Authorization`',
  TOKEN_INVALID: 'The token does not verify with the keys of the tenant it names (an unknown tenant answers the same)',
  TOKEN_EXPIRED: 'The token has expired',
  FORBIDDEN: 'The token may not do this: another user, another role, or an order missing from its `order_ids`',
  TENANT_MISMATCH: '`sub_domain` or `db_name` belong to another tenant than `client_id`, or the token is another tenant\'s',
  TENANT_SUSPENDED: 'The tenant is suspended',
  TENANT_NOT_FOUND: 'No tenant has this `client_id`',
  ROOM_NOT_FOUND: 'No such room, or none the caller may enter (both answer the same, so rooms cannot be probed)',
  MESSAGE_NOT_FOUND: 'The room has no such message',
  NOT_FOUND: 'No such resource',
  METHOD_NOT_ALLOWED: 'The route does not take this method',
  ROOM_CLOSED: 'The room is closed; startChat reopens it',
  CONFLICT: 'The request conflicts with the current state',
  ORDER_NUMBER_TAKEN: '`order_number` is already the number of another order\'s room',
  EDIT_WINDOW_CLOSED: "The message is older than the tenant's edit window (15 minutes unless the tenant sets another); it can still be deleted",
  MESSAGE_DELETED: 'The message was deleted; a deleted message cannot be edited',
  PAYLOAD_TOO_LARGE: 'The body is larger than the API takes',
  UNSUPPORTED_MEDIA_TYPE: '`Content-Type` is not `application/json`',
  RATE_LIMITED: 'Too many messages from this sender in this room; send again after `Retry-After` seconds',
  INTERNAL_ERROR: 'A fault of the service itself',
  SERVICE_UNAVAILABLE: 'The store is throttled or unreachable; send again after `Retry-After` seconds',
};

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The statuses that come with `Retry-After`: the request may be sent again as it is. */
const RETRIED_STATUSES = new Set([429, 503]);

const RETRY_AFTER_HEADER = {
  description: 'Whole seconds to wait before sending the same request again',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

const line = (code: ErrorCode) => `- \`${code}\` (${ERROR_STATUS[code]})${MEANING[code] ? `: ${MEANING[code]}` : ''}`;

/** The error body every endpoint shares, and the catalogue of its codes. */
export const errorSchemas = () => ({
  ErrorCode: {
    type: 'string',
    description: `Every error code, with its HTTP status:\n\n${ERROR_CODES.map(line).join('\n')}`,
    enum: ERROR_CODES,
  },
  FieldError: {
    type: 'object',
    description: 'One offending field: `path` is dotted (`order_id`, `participant.email`), `body` for the whole body',
    additionalProperties: false,
    required: ['path', 'message'],
    properties: { path: { type: 'string' }, message: { type: 'string' } },
  },
  Error: {
    type: 'object',
    description: 'The error body of every endpoint',
    additionalProperties: false,
    required: ['message', 'status', 'code'],
    properties: {
      message: { type: 'string', description: 'For people; clients branch on `code`' },
      status: { type: 'integer', description: 'The HTTP status again' },
      code: { $ref: '#/components/schemas/ErrorCode' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
    },
  },
});

/** An operation's error responses, one per status its codes have, each naming its codes. */
export const errorResponses = (codes: readonly ErrorCode[]) => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, statusCodes]) => [
        String(status),
        {
          description: statusCodes.map(line).join('\n'),
          headers: {
            'Cache-Control': { description: 'Never stored', schema: { type: 'string', const: 'no-store' } },
            ...(RETRIED_STATUSES.has(status) && { 'Retry-After': RETRY_AFTER_HEADER }),
          },
          content: {
            'application/json': {
              schema: {
                allOf: [{ $ref: '#/components/schemas/Error' }],
                properties: { status: { const: status }, code: { enum: statusCodes } },
              },
            },
          },
        },
      ]),
  );
};
