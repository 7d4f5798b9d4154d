import fc from 'fast-check';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { provideCursorSecret } from '../../lib/config';
import { decodeCursor, encodeCursor, PREVIOUS_SECRET_GRACE_MS } from '../../lib/paging/cursor';

const SECRET = 'cursor-unit-test-secret';
/** What the secret source (SSM, refreshed with a maximum age, on AWS) hands out now. */
let currentSecret = SECRET;
provideCursorSecret(async () => currentSecret);
/** The key derivation as the module has always done it: a change to it would orphan every cursor in flight. */
const keyOf = (secret: string) => new Uint8Array(createHash('sha256').update(`chat-rooms cursor v1\u0000${secret}`).digest());
const secretKey = keyOf(SECRET);

const scope = { tenant: '1', query: 'messages:641d731dee3408c461095a2b' };
const key = { pk: 'T#1#ROOM#abc', sk: 'MSG#01J0000000000000000000000' };
const anyKey = () => true;
const payload = (storeKey: Record<string, string | number>) => JSON.stringify({ v: 1, t: scope.tenant, q: scope.query, k: storeKey });
const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const refused = (cursor: string) => expect(decodeCursor(scope, cursor, anyKey)).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });

/** Made by this module with SECRET when it still encrypted through jose's CompactEncrypt. */
const ISSUED_THROUGH_JOSE =
  'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..LjLvlUH8KzCeCJJM.BawDg-T5-qczIeR59c6tjeEtiWuSGGOKVyx__xB1D0mL0QzU1v3tG947mi3fPuy5DVFfKMCzsNkqv95qjbBkVFGS42L4LgOggEdSxKaGsa826chLKhoTUq2zW9FLxtOufNuzA9Pq1QKcmobhY48IWs1W1N8EZg.VkOohph4w8qHqOTtEHpBIg';

/**
 * A JWE that authenticates under the cursor key whatever its header, iv or tag length, so a
 * refusal can only come from the check on that part, not from the tag.
 */
const sealed = ({ header = '{"alg":"dir","enc":"A256GCM"}' as string | Buffer, encryptedKey = '', ivBytes = 12, tagBytes = 16, plaintext = payload(key) } = {}) => {
  const headerPart = b64u(header);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', secretKey, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(headerPart, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [headerPart, encryptedKey, b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join('.');
};

describe('paging cursors', () => {
  it('round-trip a store key within their scope, without exposing it', async () => {
    const cursor = (await encodeCursor(scope, key))!;
    expect(cursor.split('.')).toHaveLength(5);
    expect(Buffer.from(cursor.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain('T#1#');
    await expect(decodeCursor(scope, cursor, anyKey)).resolves.toEqual(key);
  });

  it('are null on the last page and absent when not sent', async () => {
    await expect(encodeCursor(scope, undefined)).resolves.toBeNull();
    await expect(decodeCursor(scope, undefined, anyKey)).resolves.toBeUndefined();
  });

  it.each([
    ['another tenant', { ...scope, tenant: '2' }],
    ['another query', { ...scope, query: 'messages:641d731dee3408c461095a2c' }],
  ])('refuse %s', async (_, other) => {
    const cursor = (await encodeCursor(scope, key))!;
    await expect(decodeCursor(other, cursor, anyKey)).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });

  it("refuse a cursor that decrypts but whose key is not of the query", async () => {
    const cursor = (await encodeCursor(scope, key))!;
    const belongs = (candidate: Record<string, unknown>) => candidate.pk === 'T#1#ROOM#other';
    await expect(decodeCursor(scope, cursor, belongs)).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });

  it.each(['', 'x', 'a.b.c.d.e', '....'])('refuse garbage %j', async (cursor) => {
    await expect(decodeCursor(scope, cursor, anyKey)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('refuse any altered character', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Flip the top bit of the 6 a character encodes: the last character of a segment carries
    // only its top bits, so flipping a low bit could leave the decoded bytes unchanged.
    const flip = (char: string) => alphabet[alphabet.indexOf(char) ^ 32]!;
    const cursor = (await encodeCursor(scope, key))!;
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      const altered = cursor.slice(0, i) + flip(cursor[i]!) + cursor.slice(i + 1);
      await expect(decodeCursor(scope, altered, anyKey)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    }
  });

  it('still open a cursor issued through jose, with the same key derivation', async () => {
    await expect(decodeCursor(scope, ISSUED_THROUGH_JOSE, anyKey)).resolves.toEqual(key);
  });

  it("are JWEs jose reads, and jose's are cursors", async () => {
    const ours = (await encodeCursor(scope, key))!;
    expect(ours.split('.').slice(0, 2)).toEqual([b64u('{"alg":"dir","enc":"A256GCM"}'), '']);
    const opened = await compactDecrypt(ours, secretKey, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    expect(opened.protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM' });
    expect(JSON.parse(new TextDecoder().decode(opened.plaintext))).toEqual({ v: 1, t: scope.tenant, q: scope.query, k: key });

    const other = { pk: 'T#1#ROOM#def', sk: 'MSG#01J0000000000000000000001' };
    const josesCursor = await new CompactEncrypt(new TextEncoder().encode(payload(other))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(secretKey);
    await expect(decodeCursor(scope, josesCursor, anyKey)).resolves.toEqual(other);
  });

  it('open an authentic JWE whose header is spelt differently but asks for the same', async () => {
    await expect(decodeCursor(scope, sealed(), anyKey)).resolves.toEqual(key);
    await expect(decodeCursor(scope, sealed({ header: '{"enc":"A256GCM","kid":"x","alg":"dir"}' }), anyKey)).resolves.toEqual(key);
  });

  it.each([
    ['another alg', { header: '{"alg":"A256KW","enc":"A256GCM"}' }],
    ['another enc', { header: '{"alg":"dir","enc":"A128GCM"}' }],
    ['no enc', { header: '{"alg":"dir"}' }],
    ['zip', { header: '{"alg":"dir","enc":"A256GCM","zip":"DEF"}' }],
    ['crit', { header: '{"alg":"dir","enc":"A256GCM","crit":["exp"],"exp":1}' }],
    ['a header that is not an object', { header: '["dir","A256GCM"]' }],
    ['a header that is not JSON', { header: 'alg=dir,enc=A256GCM' }],
    ['a header that is not UTF-8', { header: Buffer.from('{"alg":"dir","enc":"A256GCM","x":"\xff"}', 'latin1') }],
    ['an encrypted key', { encryptedKey: b64u(randomBytes(32)) }],
    ['an 8-byte iv', { ivBytes: 8 }],
    ['a 16-byte iv', { ivBytes: 16 }],
    ['a 12-byte tag', { tagBytes: 12 }],
    ['a 4-byte tag', { tagBytes: 4 }],
    ['a payload of null', { plaintext: 'null' }],
    ['a payload that is not an object', { plaintext: '[1]' }],
    ['a payload that is not JSON', { plaintext: 'k=1' }],
  ])('refuse an authentic JWE with %s', async (_, options) => {
    await refused(sealed(options));
  });

  it('refuse a changed header, iv, ciphertext or tag', async () => {
    const parts = (await encodeCursor(scope, key))!.split('.');
    const replaced = (index: number, part: string) => parts.map((original, i) => (i === index ? part : original)).join('.');
    const flipByte = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[bytes.length >> 1]! ^= 1;
      return b64u(bytes);
    };
    await refused(replaced(0, b64u('{"alg":"dir","enc":"A256GCM" }')));
    await refused(replaced(0, b64u('{"enc":"A256GCM","alg":"dir"}')));
    for (const index of [2, 3, 4]) await refused(replaced(index, flipByte(parts[index]!)));
    await refused(replaced(2, b64u(randomBytes(12))));
    await refused(replaced(3, parts[3]!.slice(0, -4)));
    await refused(replaced(4, b64u(randomBytes(16))));
  });

  it('refuse a part spelt non-canonically, even when it decodes to the same bytes', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const cursor = (await encodeCursor(scope, key))!;
    const parts = cursor.split('.');
    // The 29-byte header and the 16-byte tag end in a character with unused low bits.
    for (const index of [0, 3, 4].filter((i) => parts[i]!.length % 4 !== 0)) {
      const part = parts[index]!;
      const last = alphabet[alphabet.indexOf(part.at(-1)!) ^ 1]!;
      const lax = part.slice(0, -1) + last;
      expect(Buffer.from(lax, 'base64url')).toEqual(Buffer.from(part, 'base64url'));
      await refused(parts.map((original, i) => (i === index ? lax : original)).join('.'));
    }
    await refused(parts.map((part, i) => (i === 4 ? `${part}==` : part)).join('.'));
    await refused(parts.map((part, i) => (i === 3 ? part.replace(/-/g, '+').replace(/_/g, '/') : part)).join('.'));
    await refused(parts.map((part, i) => (i === 2 ? `${part.slice(0, 8)} ${part.slice(8)}` : part)).join('.'));
  });

  it('refuse a part too many or too few', async () => {
    const parts = (await encodeCursor(scope, key))!.split('.');
    await refused([...parts, ''].join('.'));
    await refused([...parts, parts[4]].join('.'));
    await refused(parts.slice(0, 4).join('.'));
    await refused([parts[0], ...parts.slice(2)].join('.'));
  });

  it('never open a mutated cursor, by character or by byte, as anything but itself', async () => {
    const cursor = (await encodeCursor(scope, key))!;
    const characters = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ '.split(''));
    const characterEdit = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: characters }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: characters }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), char: fc.constant('') }),
    );
    const byteEdit = fc.record({ kind: fc.constant('xor' as const), part: fc.constantFrom(0, 2, 3, 4), at: fc.nat(), mask: fc.integer({ min: 0, max: 255 }) });
    // A byte edit decodes a part, changes a byte and re-encodes it: a change past the base64url layer.
    const apply = (text: string, edit: { kind: 'replace' | 'insert' | 'delete'; at: number; char: string } | { kind: 'xor'; part: number; at: number; mask: number }) => {
      if (edit.kind === 'xor') {
        const parts = text.split('.');
        if (parts.length !== 5) return text;
        const bytes = Buffer.from(parts[edit.part]!, 'base64url');
        if (bytes.length === 0) return text;
        bytes[edit.at % bytes.length]! ^= edit.mask;
        parts[edit.part] = b64u(bytes);
        return parts.join('.');
      }
      const at = edit.at % (text.length + 1);
      if (edit.kind === 'insert') return text.slice(0, at) + edit.char + text.slice(at);
      if (at === text.length) return text;
      return text.slice(0, at) + (edit.kind === 'replace' ? edit.char : '') + text.slice(at + 1);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(characterEdit, byteEdit), { minLength: 1, maxLength: 4 }), async (edits) => {
        const mutated = edits.reduce(apply, cursor);
        if (mutated === cursor) await expect(decodeCursor(scope, mutated, anyKey)).resolves.toEqual(key);
        else await refused(mutated);
      }),
      { numRuns: 500 },
    );
  });
  describe('within DynamoDB\'s key limits', () => {
    const partition = 'T#1#ROOM#abc';
    it.each([
      ['a sort key over 1024 bytes', { pk: partition, sk: `MSG#${'x'.repeat(1021)}` }],
      ['a sort key of 513 two-byte characters (1026 bytes)', { pk: partition, sk: 'é'.repeat(513) }],
      ['a partition key over 2048 bytes', { pk: `${partition}${'x'.repeat(2049)}`, sk: 'MSG#1' }],
      ['an empty sort key', { pk: partition, sk: '' }],
      ['an empty index key', { pk: partition, sk: 'ROOM', agent_key: '' }],
      ['a number the marshaller cannot write', { pk: partition, sk: 'ROOM', activity_minute: 2 ** 60 }],
      ['a fraction where the key is a whole number', { pk: partition, sk: 'ROOM', activity_minute: 1.5 }],
    ])('refuse an authentic cursor with %s as INVALID_CURSOR (the store would answer ValidationException)', async (_, storeKey) => {
      await refused(sealed({ plaintext: payload(storeKey) }));
      // Sealed by this module too: the limit is on opening, whoever sealed it.
      await refused((await encodeCursor(scope, storeKey))!);
    });

    it('refuse an exponent that JSON reads as Infinity', async () => {
      await refused(sealed({ plaintext: `{"v":1,"t":"1","q":"${scope.query}","k":{"pk":"${partition}","sk":"ROOM","activity_minute":1e400}}` }));
    });

    it('open a key at the limits', async () => {
      const atLimit = { pk: partition, sk: `MSG#${'x'.repeat(1020)}`, activity_minute: 29_000_000 * 60 };
      expect(Buffer.byteLength(atLimit.sk)).toBe(1024);
      await expect(decodeCursor(scope, sealed({ plaintext: payload(atLimit) }), anyKey)).resolves.toEqual(atLimit);
    });
  });

  describe('when the cursor secret rotates', () => {
    const opensWith = async (cursor: string, secret: string) =>
      compactDecrypt(cursor, keyOf(secret), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] }).then(
        () => true,
        () => false,
      );
    afterEach(() => {
      currentSecret = SECRET;
      jest.restoreAllMocks();
    });

    it('seal new cursors with the new secret at once, and open the previous secret\'s for a grace period only', async () => {
      const start = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
      currentSecret = 'rotation-secret-a';
      const sealedUnderA = (await encodeCursor(scope, key))!;
      expect(await opensWith(sealedUnderA, 'rotation-secret-a')).toBe(true);

      currentSecret = 'rotation-secret-b';
      const sealedUnderB = (await encodeCursor(scope, key))!;
      expect(await opensWith(sealedUnderB, 'rotation-secret-b')).toBe(true);
      expect(await opensWith(sealedUnderB, 'rotation-secret-a')).toBe(false);
      // A client half-way through a listing finishes it.
      await expect(decodeCursor(scope, sealedUnderA, anyKey)).resolves.toEqual(key);
      clock.mockReturnValue(start + PREVIOUS_SECRET_GRACE_MS - 1);
      await expect(decodeCursor(scope, sealedUnderA, anyKey)).resolves.toEqual(key);
      clock.mockReturnValue(start + PREVIOUS_SECRET_GRACE_MS);
      await refused(sealedUnderA);
      await expect(decodeCursor(scope, sealedUnderB, anyKey)).resolves.toEqual(key);
    });

    it('open only the current and the previous secret\'s cursors, not older ones', async () => {
      currentSecret = 'rotation-secret-c';
      const sealedUnderC = (await encodeCursor(scope, key))!;
      currentSecret = 'rotation-secret-d';
      const sealedUnderD = (await encodeCursor(scope, key))!;
      currentSecret = 'rotation-secret-e';
      await refused(sealedUnderC);
      await expect(decodeCursor(scope, sealedUnderD, anyKey)).resolves.toEqual(key);
      await expect(decodeCursor(scope, (await encodeCursor(scope, key))!, anyKey)).resolves.toEqual(key);
    });
  });
});
