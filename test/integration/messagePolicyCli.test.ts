/**
 * npm run tenant -- set-edit-window and set-masking: the registry record they write, the tenant the
 * API builds from it (and so what a send stores), and each refusal naming its flag.
 */
import { randomInt } from 'node:crypto';
import { maskText } from '../../lib/messages/masking';
import { getTenantRecord } from '../../lib/store/tenants';
import { toTenant } from '../../lib/tenancy/tenant';
import { tenantCli as runTenantCli } from '../../scripts/tenant';
import { runCli, type CliResult } from '../support/cli';

const tenantCli = (...args: string[]) => runCli(runTenantCli, args);

/** A refusal: the exit code, nothing on stdout, and a first stderr line naming the problem. */
const expectRefused = (result: CliResult, message: RegExp, code = 1) => {
  expect({ code: result.code, lines: result.lines }).toEqual({ code, lines: [] });
  expect(result.stderrLines[0]).toMatch(/^tenant: /);
  expect(result.stderrLines[0]).toMatch(message);
};

const freshTenant = async () => {
  const id = String(randomInt(100_000, 2 ** 40));
  const added = await tenantCli('add', '--client-id', id, '--sub-domain', `m${id}.example.com`, '--db-name', `db_${id}`);
  expect(added.code).toBe(0);
  return id;
};

const tenantOf = async (id: string) => toTenant((await getTenantRecord(id))!);

describe('npm run tenant: message policy', () => {
  it('sets the edit window (15 minutes while unset; 0 turns editing off)', async () => {
    const id = await freshTenant();
    expect((await getTenantRecord(id))!.edit_window_seconds).toBeUndefined();
    expect((await tenantOf(id)).editWindowSeconds).toBeUndefined();

    const set = await tenantCli('set-edit-window', '--client-id', id, '--seconds', '120');
    expect(set.code).toBe(0);
    expect(set.lines).toEqual([expect.objectContaining({ client_id: id, edit_window_seconds: 120 })]);
    expect((await tenantOf(id)).editWindowSeconds).toBe(120);
    expect((await tenantCli('set-edit-window', '--client-id', id, '--seconds', '0')).lines[0]).toMatchObject({ edit_window_seconds: 0 });
    expect((await tenantOf(id)).editWindowSeconds).toBe(0);

    const before = await getTenantRecord(id);
    expectRefused(await tenantCli('set-edit-window', '--client-id', id, '--seconds=-5'), /edit_window_seconds/);
    expectRefused(await tenantCli('set-edit-window', '--client-id', id, '--seconds', '1.5'), /edit_window_seconds/);
    expectRefused(await tenantCli('set-edit-window', '--client-id', id, '--seconds', String(8 * 86_400)), /edit_window_seconds/);
    expectRefused(await tenantCli('set-edit-window', '--client-id', id), /--seconds is required/, 2);
    expectRefused(await tenantCli('set-edit-window', '--client-id', String(randomInt(2 ** 41, 2 ** 42)), '--seconds', '60'), /no tenant with client_id/);
    expect(await getTenantRecord(id)).toEqual(before);
  });

  it('sets which contact details are masked and the default country; none is off (the default) and leaves no policy', async () => {
    const id = await freshTenant();
    expect((await tenantOf(id)).masking).toBeUndefined();

    const on = await tenantCli('set-masking', '--client-id', id, '--mask', 'phone,email', '--default-country', 'gb');
    expect(on.code).toBe(0);
    expect(on.lines).toEqual([expect.objectContaining({ masking: { phone: true, email: true, default_country: 'GB' } })]);
    const tenant = await tenantOf(id);
    expect(tenant.masking).toEqual({ kinds: ['phone', 'email'], defaultCountry: 'GB' });
    // What a send of this tenant stores: national numbers read as British.
    await expect(maskText(tenant.masking, 'ring 07911 123456 or jo@example.com, shop.example.com')).resolves.toEqual({
      text: 'ring [phone removed] or [email removed], shop.example.com',
      moderation: { phone: 1, email: 1 },
    });

    // The country alone keeps the kinds; the kinds alone keep the country.
    expect((await tenantCli('set-masking', '--client-id', id, '--default-country', 'US')).lines[0].masking).toEqual({ phone: true, email: true, default_country: 'US' });
    expect((await tenantCli('set-masking', '--client-id', id, '--mask', 'url')).lines[0].masking).toEqual({ url: true, default_country: 'US' });

    const off = await tenantCli('set-masking', '--client-id', id, '--mask', 'none');
    expect(off.lines[0]).not.toHaveProperty('masking');
    expect((await getTenantRecord(id))!).not.toHaveProperty('masking');
    expect((await tenantOf(id)).masking).toBeUndefined();
  });

  it('warns that phone masking without a country finds only international numbers', async () => {
    const id = await freshTenant();
    const result = await tenantCli('set-masking', '--client-id', id, '--mask', 'phone');
    expect(result.code).toBe(0);
    expect(result.stderrLines).toEqual([expect.stringMatching(/--default-country/)]);
  });

  it('refuses unknown kinds and countries, and a call that sets nothing, changing nothing', async () => {
    const id = await freshTenant();
    await tenantCli('set-masking', '--client-id', id, '--mask', 'email');
    const before = await getTenantRecord(id);
    expectRefused(await tenantCli('set-masking', '--client-id', id, '--mask', 'phone,fax'), /kinds.*phone, email, url or none/);
    expectRefused(await tenantCli('set-masking', '--client-id', id, '--default-country', 'XX'), /defaultCountry.*country code/);
    expectRefused(await tenantCli('set-masking', '--client-id', id, '--default-country', 'USA'), /defaultCountry/);
    expectRefused(await tenantCli('set-masking', '--client-id', id), /--mask or --default-country/, 2);
    expect(await getTenantRecord(id)).toEqual(before);
  });
});
