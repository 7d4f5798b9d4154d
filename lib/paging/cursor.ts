import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { resolveCursorSecret } from '../config';
import { AppError } from '../errors';

/**
 * Paging cursors: the store's LastEvaluatedKey, encrypted and authenticated (JWE, dir + A256GCM)
 * together with the tenant and the query it continues. A client can neither read the keys nor
 * forge or alter a cursor, and a cursor replayed against another tenant or another query is
 * refused as INVALID_CURSOR instead of silently paging someone else's data.
 */
export interface CursorScope {
  /** The tenant's client_id. */
  tenant: string;
  /** What is being paged, e.g. `messages:<room _id>` or `rooms:agent:133:agent_to_user:`. */
  query: string;
}

export type StoreKey = Record<string, string | number>;

interface CursorPayload {
  v: 1;
  t: string;
  q: string;
  k: StoreKey;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let key: Uint8Array | undefined;

/** 32 bytes derived from the cursor secret, once per container; a missing secret is a deploy error. */
const cursorKey = async (): Promise<Uint8Array> => {
  if (key) return key;
  const secret = await resolveCursorSecret();
  if (!secret) throw new Error('CURSOR_SECRET is not configured');
  key = new Uint8Array(createHash('sha256').update(`chat-rooms cursor v1\u0000${secret}`).digest());
  return key;
};

const invalidCursor = () => new AppError('INVALID_CURSOR', 'cursor is invalid', [{ path: 'cursor', message: 'is not a cursor this query issued' }]);

const isStoreKey = (value: unknown): value is StoreKey =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((part) => typeof part === 'string' || typeof part === 'number');

/** The opaque cursor continuing `scope` after `lastKey`; null when there is no further page. */
export const encodeCursor = async (scope: CursorScope, lastKey: StoreKey | undefined): Promise<string | null> => {
  if (!lastKey) return null;
  const payload: CursorPayload = { v: 1, t: scope.tenant, q: scope.query, k: lastKey };
  return new CompactEncrypt(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(await cursorKey());
};

/**
 * The store key a cursor continues from; 400 INVALID_CURSOR unless this service issued it for
 * `scope` and the key is one the query can continue from (`belongs`, from the store module that
 * runs the query): a cursor that decrypts is still refused if its key is not of this query.
 */
export const decodeCursor = async (
  scope: CursorScope,
  cursor: string | undefined,
  belongs: (key: StoreKey) => boolean,
): Promise<StoreKey | undefined> => {
  if (cursor === undefined) return undefined;
  // Outside the try: a secret that cannot be fetched is our failure, not an invalid cursor.
  const secretKey = await cursorKey();
  let payload: Partial<CursorPayload>;
  try {
    const { plaintext } = await compactDecrypt(cursor, secretKey, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    payload = JSON.parse(decoder.decode(plaintext)) as Partial<CursorPayload>;
  } catch {
    throw invalidCursor();
  }
  if (payload.v !== 1 || payload.t !== scope.tenant || payload.q !== scope.query || !isStoreKey(payload.k) || !belongs(payload.k)) {
    throw invalidCursor();
  }
  return payload.k;
};
