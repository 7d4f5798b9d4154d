/**
 * `npm run tenant -- set-attachments`: a tenant's allowed attachment types and size limit in the
 * registry, as the request path reads them (toTenant), with refusals that write nothing.
 */
import { randomInt } from 'node:crypto';
import { attachmentPolicyOf } from '../../lib/attachments/attachmentPolicy';
import { getTenantRecord, putTenantRecord } from '../../lib/store/tenants';
import { toTenant } from '../../lib/tenancy/tenant';
import { tenantCli } from '../../scripts/tenant';
import { runCli } from '../support/cli';

const run = (...args: string[]) => runCli(tenantCli, args);

const newTenant = async (): Promise<string> => {
  const clientId = String(randomInt(9001, 2 ** 40));
  await putTenantRecord({
    client_id: clientId,
    sub_domain: `a${clientId}.test`,
    db_name: `a${clientId}`,
    name: 'Attachment settings',
    status: 'active',
    jwt_secrets: [`attachment-settings-secret-${clientId}-padding`],
    retention_days: 30,
  });
  return clientId;
};

const policyOf = async (clientId: string) => attachmentPolicyOf(toTenant((await getTenantRecord(clientId))!));

describe('npm run tenant -- set-attachments', () => {
  it('sets the types and the limit, each on its own, and back to the defaults', async () => {
    const clientId = await newTenant();
    expect(await policyOf(clientId)).toEqual({ types: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'], maxBytes: 10 * 1024 * 1024 });

    const set = await run('set-attachments', '--client-id', clientId, '--types', 'image/png, image/gif', '--max-bytes', '2000000');
    expect(set.code).toBe(0);
    expect(set.lines[0]).toMatchObject({ client_id: clientId, attachments: { content_types: ['image/png', 'image/gif'], max_bytes: 2_000_000 } });
    expect(await policyOf(clientId)).toEqual({ types: ['image/png', 'image/gif'], maxBytes: 2_000_000 });

    expect((await run('set-attachments', '--client-id', clientId, '--max-bytes', 'default')).code).toBe(0);
    expect(await policyOf(clientId)).toEqual({ types: ['image/png', 'image/gif'], maxBytes: 10 * 1024 * 1024 });
    expect((await run('set-attachments', '--client-id', clientId, '--types', 'default')).code).toBe(0);
    expect((await getTenantRecord(clientId))!.attachments).toBeUndefined();
  });

  it('refuses types that cannot be verified, limits out of range and an empty command, writing nothing', async () => {
    const clientId = await newTenant();
    const before = await getTenantRecord(clientId);
    for (const args of [
      ['--types', 'image/svg+xml'],
      ['--types', 'image/png,text/html'],
      ['--max-bytes', '0'],
      ['--max-bytes', String(101 * 1024 * 1024)],
      ['--max-bytes', 'ten'],
    ]) {
      const refused = await run('set-attachments', '--client-id', clientId, ...args);
      expect({ args, code: refused.code, lines: refused.lines }).toEqual({ args, code: 1, lines: [] });
      expect(refused.stderrLines[0]).toMatch(/^tenant: (content_types|max_bytes)/);
    }
    expect((await run('set-attachments', '--client-id', clientId)).code).toBe(2);
    expect(await getTenantRecord(clientId)).toEqual(before);
  });
});
