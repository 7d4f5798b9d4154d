import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { putTenantRecord } from '../../lib/store/tenants';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { tenantRecord } from '../../lib/tenancy/tenant';
import { post } from '../support/api';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `npm run token` as a developer runs it; the token is the last line. */
const npmRunToken = async (...args: string[]): Promise<string> => {
  const { stdout } = await run('npm', ['run', '--silent', 'token', '--', ...args], { cwd: REPO_ROOT, env: process.env });
  return stdout.trim().split('\n').at(-1)!;
};

describe('a tenant that registered only public keys', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chat-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('accepts %s tokens signed by its platform, by kid, and nothing else', async (alg) => {
    const clientId = String(randomInt(9001, 2 ** 40));
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `platform-${alg}`;
    await putTenantRecord(
      tenantRecord.parse({
        client_id: clientId,
        sub_domain: `keys${clientId}.test`,
        db_name: `keys${clientId}`,
        name: 'Public keys only',
        status: 'active',
        jwt_public_keys: [{ ...(await exportJWK(publicKey)), kid }],
      }),
    );
    const keyFile = path.join(dir, `${alg}.json`);
    await writeFile(keyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid }));

    const body = {
      sub_domain: `keys${clientId}.test`,
      client_id: clientId,
      db_name: `keys${clientId}`,
      user_id: '5',
      type: 'agent-to-user',
      order_vendor_id: 1,
      vendor_id: 1,
      order_id: randomInt(1, 2 ** 40),
    };
    const token = await npmRunToken('--client-id', clientId, '--user-id', '5', '--role', 'agent', '--private-key-file', keyFile);
    const started = await post('/api/v1/chat/startChat', body, { Authorization: `Bearer ${token}` });
    expect(started.status).toBe(200);
    expect(started.json.roomData).toMatchObject({ client_id: clientId, agent_id: '5' });

    // No shared secret exists to sign with, and a guessed one verifies nothing.
    const guessed = await signAccessToken({ secret: 'x'.repeat(40), clientId, userId: '5', role: 'agent' });
    const refused = await post('/api/v1/chat/startChat', body, { Authorization: `Bearer ${guessed}` });
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('TOKEN_INVALID');
  });
});
