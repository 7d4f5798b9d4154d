import { parseChatType } from '../../lib/rooms/chatType';

describe('parseChatType', () => {
  it.each([
    ['agent-to-user', 'agent_to_user', 'agent'],
    ['agent_to_user', 'agent_to_user', 'agent'],
    ['user-to-agent', 'agent_to_user', 'user'],
    ['vendor-to-user', 'vendor_to_user', 'vendor'],
    ['user_to_vendor', 'vendor_to_user', 'user'],
    ['agent-to-vendor', 'agent_to_vendor', 'agent'],
    ['vendor-to-agent', 'agent_to_vendor', 'vendor'],
  ])('%s is %s started by the %s', (raw, type, initiator) => {
    expect(parseChatType(raw)).toMatchObject({ type, initiator });
  });

  it.each(['user-to-user', 'agent-to-agent', 'admin-to-user', 'AGENT-TO-USER', ' agent-to-user', 'agent-user', '', 'agent-to-user-x'])(
    'rejects %j',
    (raw) => {
      expect(parseChatType(raw)).toBeUndefined();
    },
  );
});
