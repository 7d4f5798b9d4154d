import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { getRoomByRef } from '../../lib/store/rooms';
import { putTenantRecord } from '../../lib/store/tenants';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { toTenant, type TenantRecord } from '../../lib/tenancy/tenant';
import { post } from '../support/api';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DAY_MS = 86_400_000;

interface Summary {
  scanned: number;
  deleted: number;
  skipped: number;
  tenants: number;
  durationMs: number;
}

/** `npm run cleanup` as a developer runs it, pointed at the test stack's store and tables. */
const npmRunCleanup = async (...args: string[]): Promise<Summary> => {
  const { stdout } = await run('npm', ['run', '--silent', 'cleanup', '--', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT,
      CHAT_TABLE: process.env.CHAT_TABLE,
      TENANTS_TABLE: process.env.TENANTS_TABLE,
    },
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Summary;
};

describe('npm run cleanup against a room created through the HTTP API', () => {
  it('keeps the room inside retention and removes it past retention', async () => {
    // A tenant of this test's own, so a pass over it can never touch another test's rooms.
    const clientId = String(randomInt(9001, 2 ** 40));
    const record: TenantRecord = {
      client_id: clientId,
      sub_domain: `e2e${clientId}.test`,
      db_name: `e2e${clientId}`,
      name: 'Cleanup end to end',
      status: 'active',
      jwt_secrets: [`cleanup-e2e-secret-${clientId}-padding-padding-padding`],
      retention_days: 30,
    };
    await putTenantRecord(record);
    const tenant = toTenant(record);
    const token = await signAccessToken({ secret: record.jwt_secrets![0]!, clientId, userId: '133', role: 'agent' });

    const response = await post<{ roomData: { _id: string; updated_date: string } }>(
      '/api/v1/chat/startChat',
      {
        sub_domain: record.sub_domain,
        client_id: clientId,
        db_name: record.db_name,
        user_id: '133',
        type: 'agent-to-user',
        order_vendor_id: 2,
        vendor_id: 3,
        order_id: randomInt(1, 2 ** 40),
      },
      { Authorization: `Bearer ${token}` },
    );
    expect(response.status).toBe(200);
    const { roomData } = response.json;
    const ref = refOfRoomId(roomData._id)!;
    const touched = new Date(roomData.updated_date).getTime();
    expect(await getRoomByRef(tenant, ref)).toBeDefined();

    const inside = await npmRunCleanup('--now', new Date(touched + 29 * DAY_MS).toISOString(), '--tenant', clientId);
    expect(inside).toMatchObject({ scanned: 0, deleted: 0, skipped: 0, tenants: 1 });
    expect(await getRoomByRef(tenant, ref)).toBeDefined();

    const past = await npmRunCleanup('--now', new Date(touched + 31 * DAY_MS).toISOString(), '--tenant', clientId);
    expect(past).toMatchObject({ scanned: 1, deleted: 1, skipped: 0, tenants: 1, durationMs: expect.any(Number) });
    expect(await getRoomByRef(tenant, ref)).toBeUndefined();
  });
});
