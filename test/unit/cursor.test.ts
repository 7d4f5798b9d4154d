import { decodeCursor, encodeCursor } from '../../lib/paging/cursor';

const scope = { tenant: '1', query: 'messages:641d731dee3408c461095a2b' };
const key = { pk: 'T#1#ROOM#abc', sk: 'MSG#01J0000000000000000000000' };
const anyKey = () => true;

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
});
