import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { resolveCursorSecret } from '../config';
import { AppError } from '../errors';

/**
 * Paging cursors: the store's LastEvaluatedKey, encrypted and authenticated (JWE, dir + A256GCM)
 * together with the tenant and the query it continues. A client can neither read the keys nor
 * forge or alter a cursor, and a cursor replayed against another tenant or another query is
 * refused as INVALID_CURSOR instead of silently paging someone else's data.
 *
 * The JWE is sealed and opened with node:crypto's AES-256-GCM rather than a JWE library: every
 * paging function loads this module, and parsing such a library would be part of each one's cold
 * start. The format is the JWE compact serialization byte for byte (the same protected header,
 * the header's base64url as the additional authenticated data), so cursors issued earlier still
 * decode and any conforming JWE implementation can open ours.
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

/** What JWE libraries serialise for `{ alg: 'dir', enc: 'A256GCM' }`, base64url: the header of every cursor we issue. */
const PROTECTED_HEADER = Buffer.from('{"alg":"dir","enc":"A256GCM"}', 'utf8').toString('base64url');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** JWE compact serialization with `dir` + `A256GCM`: header..iv.ciphertext.tag (the encrypted key is empty). */
const sealJwe = (plaintext: Uint8Array, secretKey: Uint8Array): string => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secretKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(PROTECTED_HEADER, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [PROTECTED_HEADER, '', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url: Buffer's decoder skips characters outside the alphabet, takes `+`, `/` and `=`,
 * and ignores the unused low bits of the last character, so different strings could open as the
 * same cursor; only the canonical spelling of some bytes is accepted.
 */
const base64urlBytes = (part: string): Buffer => {
  if (!BASE64URL.test(part)) throw new Error('not base64url');
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw new Error('not canonical base64url');
  return bytes;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The plaintext of a `dir` + `A256GCM` JWE in compact serialization; throws on anything else. The
 * header may be spelt differently from ours (member order, other members) as long as it asks for
 * exactly this algorithm pair and nothing a decrypter must understand (`crit`) or undo (`zip`).
 */
const openJwe = (token: string, secretKey: Uint8Array): Buffer => {
  const parts = token.split('.');
  if (parts.length !== 5) throw new Error('not a JWE compact serialization');
  const [headerPart, encryptedKey, ivPart, ciphertextPart, tagPart] = parts as [string, string, string, string, string];
  if (encryptedKey !== '') throw new Error('dir carries no encrypted key');
  const header: unknown = JSON.parse(strictUtf8.decode(base64urlBytes(headerPart)));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('header is not an object');
  const { alg, enc } = header as Record<string, unknown>;
  if (alg !== 'dir' || enc !== 'A256GCM' || Object.hasOwn(header, 'zip') || Object.hasOwn(header, 'crit')) throw new Error('unsupported header');
  const iv = base64urlBytes(ivPart);
  const ciphertext = base64urlBytes(ciphertextPart);
  const tag = base64urlBytes(tagPart);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('wrong iv or tag length');
  const decipher = createDecipheriv('aes-256-gcm', secretKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(headerPart, 'ascii'));
  decipher.setAuthTag(tag);
  // final() throws unless the tag authenticates header, iv and ciphertext: nothing is used before that.
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
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
  return sealJwe(encoder.encode(JSON.stringify(payload)), await cursorKey());
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
  let payload: Partial<CursorPayload> | null;
  try {
    payload = JSON.parse(decoder.decode(openJwe(cursor, secretKey))) as Partial<CursorPayload>;
  } catch {
    throw invalidCursor();
  }
  if (payload?.v !== 1 || payload.t !== scope.tenant || payload.q !== scope.query || !isStoreKey(payload.k) || !belongs(payload.k)) {
    throw invalidCursor();
  }
  return payload.k;
};
