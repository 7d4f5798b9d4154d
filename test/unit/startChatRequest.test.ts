import fc from 'fast-check';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { SEED_BODY as seed } from '../../scripts/local/seedRequest';

const errorsOf = (body: unknown) => {
  const result = startChatRequest.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('startChatRequest', () => {
  it('accepts the published seed body and normalises ids to strings', () => {
    const parsed = startChatRequest.parse(seed);
    expect(parsed).toMatchObject({
      client_id: '1',
      user_id: '133',
      order_vendor_id: '2',
      vendor_id: '3',
      order_id: '5',
      type: { type: 'agent_to_user', initiator: 'agent', counterpart: 'user' },
    });
  });

  it('accepts ids as numbers or numeric strings alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.boolean(), (id, asString) => {
        const parsed = startChatRequest.parse({ ...seed, order_id: asString ? String(id) : id });
        expect(parsed.order_id).toBe(String(id));
      }),
    );
  });

  it.each([
    ['zero', 0],
    ['negative', -5],
    ['fraction', 1.5],
    ['beyond 2^53-1', 2 ** 53],
    ['leading zero string', '05'],
    ['non-numeric string', 'abc'],
    ['empty string', ''],
    ['boolean', true],
    ['null', null],
    ['object', {}],
  ])('rejects order_id %s', (_label, value) => {
    expect(errorsOf({ ...seed, order_id: value })).toEqual(['order_id']);
  });

  it.each(['sub_domain', 'client_id', 'db_name', 'user_id', 'type', 'order_vendor_id', 'vendor_id', 'order_id'])(
    'requires %s',
    (field) => {
      const { [field as keyof typeof seed]: _omitted, ...body } = seed;
      expect(errorsOf(body)).toEqual([field]);
    },
  );

  it('rejects an unsupported type naming the accepted ones', () => {
    const result = startChatRequest.safeParse({ ...seed, type: 'user-to-user' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('agent-to-user');
  });

  it('treats null and "" optional slots as absent', () => {
    const parsed = startChatRequest.parse({ ...seed, agent_id: null, order_user_id: '', vendor_user_id: 9 });
    expect(parsed.agent_id).toBeUndefined();
    expect(parsed.order_user_id).toBeUndefined();
    expect(parsed.vendor_user_id).toBe('9');
  });

  it("rejects an initiator slot that contradicts user_id", () => {
    expect(errorsOf({ ...seed, agent_id: 999 })).toEqual(['agent_id']);
    expect(errorsOf({ ...seed, agent_id: 133 })).toEqual([]);
  });

  it('accepts an 8-digit order_number as number or string only', () => {
    expect(startChatRequest.parse({ ...seed, order_number: 52788594 }).order_number).toBe('52788594');
    expect(errorsOf({ ...seed, order_number: '1234' })).toEqual(['order_number']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => startChatRequest.safeParse(value)).not.toThrow();
      }),
    );
  });
});
