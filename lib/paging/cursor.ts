import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { resolveCursorSecret } from '../config';
import { AppError } from '../errors';

/**
 * Paging cursors: the store's LastEvaluatedKey, encrypted and authenticated by jose as a compact
 * JWE (`dir` + `A256GCM`) together with the tenant and the query it continues. A client can
 * neither read the keys nor forge or alter a cursor, and a cursor replayed against another tenant
 * or another query is refused as INVALID_CURSOR instead of silently paging someone else's data.
 * The key is derived from the cursor secret as it always was, so cursors issued before still open.
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

const deriveKey = (secret: string): Uint8Array => new Uint8Array(createHash('sha256').update(`chat-rooms cursor v1\u0000${secret}`).digest());

/**
 * How long a cursor sealed under the previous secret still opens once the secret has changed:
 * a client paging through a list when the secret rotates finishes its listing. Longer would let
 * a secret that was rotated because it leaked keep opening (and so forging) cursors.
 */
export const PREVIOUS_SECRET_GRACE_MS = 15 * 60_000;

interface DerivedKey {
  secret: string;
  key: Uint8Array;
}

let current: DerivedKey | undefined;
let previous: (DerivedKey & { until: number }) | undefined;

/**
 * The key cursors are sealed with, and those they may be opened with: the current secret's, then
 * the previous one's for PREVIOUS_SECRET_GRACE_MS after the secret changed. Derived once per
 * secret, and derived again when the secret source (SSM, refreshed with a maximum age) hands out
 * another one. A missing secret is a deploy error.
 */
const cursorKeys = async (now = Date.now()): Promise<{ seal: Uint8Array; open: Uint8Array[] }> => {
  const secret = await resolveCursorSecret();
  if (!secret) throw new Error('CURSOR_SECRET is not configured');
  if (current?.secret !== secret) {
    previous = current && { ...current, until: now + PREVIOUS_SECRET_GRACE_MS };
    current = { secret, key: deriveKey(secret) };
  }
  if (previous && previous.until <= now) previous = undefined;
  return { seal: current.key, open: previous ? [current.key, previous.key] : [current.key] };
};

const JWE_HEADER = { alg: 'dir', enc: 'A256GCM' } as const;
const DECRYPT_OPTIONS = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };

const CANONICAL_BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Each of the five parts strict base64url: decoders skip characters outside the alphabet, take
 * `+`, `/`, `=` and whitespace, and ignore the unused low bits of the last character, so different
 * strings could open as the same cursor; only the canonical spelling of some bytes is accepted.
 */
const isCanonicalJwe = (cursor: string): boolean => {
  const parts = cursor.split('.');
  return parts.length === 5 && parts.every((part) => CANONICAL_BASE64URL.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part);
};

/** The plaintext of a cursor sealed with one of `keys`; throws if none opens it. */
const openJwe = async (cursor: string, keys: Uint8Array[]): Promise<Uint8Array> => {
  if (!isCanonicalJwe(cursor)) throw new Error('not a canonical JWE compact serialization');
  let failure: unknown;
  for (const key of keys) {
    try {
      return (await compactDecrypt(cursor, key, DECRYPT_OPTIONS)).plaintext;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
};

const invalidCursor = () => new AppError('INVALID_CURSOR', 'cursor is invalid', [{ path: 'cursor', message: 'is not a cursor this query issued' }]);

/**
 * DynamoDB's limits on a key: a partition key of at most 2048 bytes, a sort key of at most 1024,
 * no empty string. Every string part is held to the tighter limit and every number part must be a
 * safe integer (what the marshaller writes exactly); no key this service writes comes near either,
 * so a key that would make the store answer ValidationException (a 500) is refused as a bad cursor.
 */
const MAX_KEY_PART_BYTES = 1024;

const isKeyPart = (part: unknown): boolean =>
  typeof part === 'string'
    ? part.length > 0 && Buffer.byteLength(part, 'utf8') <= MAX_KEY_PART_BYTES
    : typeof part === 'number' && Number.isSafeInteger(part);

const isStoreKey = (value: unknown): value is StoreKey =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isKeyPart);

/** The opaque cursor continuing `scope` after `lastKey`; null when there is no further page. */
export const encodeCursor = async (scope: CursorScope, lastKey: StoreKey | undefined): Promise<string | null> => {
  if (!lastKey) return null;
  const payload: CursorPayload = { v: 1, t: scope.tenant, q: scope.query, k: lastKey };
  return new CompactEncrypt(encoder.encode(JSON.stringify(payload))).setProtectedHeader(JWE_HEADER).encrypt((await cursorKeys()).seal);
};

/**
 * The store key a cursor continues from; 400 INVALID_CURSOR unless this service issued it for
 * `scope`, the key is within DynamoDB's key limits, and it is one the query can continue from
 * (`belongs`, from the store module that runs the query): a cursor that decrypts is still refused
 * if its key is not of this query.
 */
export const decodeCursor = async (
  scope: CursorScope,
  cursor: string | undefined,
  belongs: (key: StoreKey) => boolean,
): Promise<StoreKey | undefined> => {
  if (cursor === undefined) return undefined;
  // Outside the try: a secret that cannot be fetched is our failure, not an invalid cursor.
  const { open } = await cursorKeys();
  let payload: Partial<CursorPayload> | null;
  try {
    payload = JSON.parse(decoder.decode(await openJwe(cursor, open))) as Partial<CursorPayload>;
  } catch {
    throw invalidCursor();
  }
  if (payload?.v !== 1 || payload.t !== scope.tenant || payload.q !== scope.query || !isStoreKey(payload.k) || !belongs(payload.k)) {
    throw invalidCursor();
  }
  return payload.k;
};
