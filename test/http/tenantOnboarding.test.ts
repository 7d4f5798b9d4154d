import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { tenantCli } from '../../scripts/tenant';
import { cliLines } from '../support/cli';
import { post } from '../support/api';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `npm run tenant` in this process; its JSON result lines. */
const tenant = (...args: string[]) => cliLines(tenantCli, args);

/** `npm run token` as a developer runs it, against the store the API reads. */
const npmRunToken = async (clientId: string): Promise<string> => {
  const { stdout } = await exec('npm', ['run', '--silent', 'token', '--', '--client-id', clientId, '--user-id', '41', '--role', 'agent'], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return stdout.trim().split('\n').pop()!;
};

const onboard = async () => {
  const id = String(randomInt(100_000, 2 ** 40));
  const ids = { client_id: id, sub_domain: `shop${id}.example.com`, db_name: `shop_${id}` };
  await tenant('add', '--client-id', id, '--sub-domain', ids.sub_domain, '--db-name', ids.db_name);
  return ids;
};

const startChat = (ids: { client_id: string; sub_domain: string; db_name: string }, token: string) =>
  post('/api/v1/chat/startChat', { ...ids, user_id: '41', type: 'agent-to-user', order_id: 7, order_vendor_id: 2, vendor_id: 3 }, {
    Authorization: `Bearer ${token}`,
  });

describe('a tenant onboarded with npm run tenant', () => {
  it('is served by the API at once, with a token from npm run token', async () => {
    const ids = await onboard();
    const reply = await startChat(ids, await npmRunToken(ids.client_id));
    expect(reply.status).toBe(200);
    expect(reply.json.roomData).toEqual(expect.objectContaining({ client_id: ids.client_id, db_name: ids.db_name }));
  });

  it('is refused once suspended (a tenant the API has not cached yet)', async () => {
    const ids = await onboard();
    const token = await npmRunToken(ids.client_id);
    await tenant('suspend', '--client-id', ids.client_id);
    const reply = await startChat(ids, token);
    expect({ status: reply.status, code: reply.json.code }).toEqual({ status: 403, code: 'TENANT_SUSPENDED' });
  });
});
