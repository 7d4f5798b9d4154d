import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { registryClient } from '../../lib/store/client';
import { createTenantRecord, getTenantRecord, TenantConflict } from '../../lib/store/tenants';
import { listTenantRecords } from '../../lib/store/tenants';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { verifyAccessToken } from '../../lib/tenancy/tokens';
import { toTenant, type TenantRecord } from '../../lib/tenancy/tenant';
import { tenantCli as runTenantCli } from '../../scripts/tenant';
import { runCli, type CliResult } from '../support/cli';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
// The SDK's notice about Node 20 would be a second stderr line that is not the CLI's.
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** What a run as a process of its own shows (its stderr is not split into lines). */
type ProcessResult = Omit<CliResult, 'stderrLines'>;

const tenantCli = (...args: string[]) => runCli(runTenantCli, args);

/** The CLI as `npm run tenant` runs it: a process of its own. */
const tenantProcess = async (command: string, args: string[], env: NodeJS.ProcessEnv = ENV): Promise<ProcessResult> => {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd: REPO_ROOT, env });
    return { code: 0, stdout, stderr, lines: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, lines: [] };
  }
};

/** A refusal: non-zero exit, nothing on stdout, exactly one line on stderr. */
const expectRefused = (result: ProcessResult, message: RegExp, code = 1) => {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const [line, ...usage] = result.stderr.trim().split('\n');
  expect(line).toMatch(/^tenant: /);
  expect(line).toMatch(message);
  if (code === 1) expect(usage).toEqual([]);
};

const fresh = () => {
  const id = String(randomInt(100_000, 2 ** 40));
  return { id, subDomain: `t${id}.example.com`, dbName: `db_${id}` };
};

/** Every registry item: tenant records and the claims on their names. */
const registryItems = async () => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await registryClient().send(new ScanCommand({ TableName: config.tenantsTable, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

const itemsMentioning = async (...values: string[]) =>
  (await registryItems()).filter((item) => values.some((value) => JSON.stringify(item).toLowerCase().includes(value.toLowerCase())));

const add = (t: ReturnType<typeof fresh>, ...extra: string[]) =>
  tenantCli('add', '--client-id', t.id, '--sub-domain', t.subDomain, '--db-name', t.dbName, ...extra);

describe('npm run tenant', () => {
  it('adds a tenant with a fresh key printed once, which signs tokens the API verifies', async () => {
    const t = fresh();
    const result = await add(t, '--name', 'Acme Shop', '--retention-days', '14');
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([{ client_id: t.id, jwt_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }]);
    const record = await getTenantRecord(t.id);
    expect(record).toEqual({
      client_id: t.id,
      sub_domain: t.subDomain,
      db_name: t.dbName,
      name: 'Acme Shop',
      status: 'active',
      jwt_secrets: [result.lines[0].jwt_secret],
      retention_days: 14,
    });
    const token = await signAccessToken({ secret: result.lines[0].jwt_secret, clientId: t.id, userId: '5', role: 'agent' });
    await expect(verifyAccessToken(token, record!)).resolves.toEqual({ userId: '5', role: 'agent' });
    // The name defaults to the db_name, the retention to 30 days.
    const other = fresh();
    expect((await add(other)).code).toBe(0);
    expect(await getTenantRecord(other.id)).toEqual(expect.objectContaining({ name: other.dbName, retention_days: 30 }));
  });

  it('lists and shows tenants without any key material', async () => {
    const t = fresh();
    const { lines } = await add(t);
    const secret = lines[0].jwt_secret as string;
    const shown = await tenantCli('show', '--client-id', t.id);
    expect(shown.lines).toEqual([
      { client_id: t.id, sub_domain: t.subDomain, db_name: t.dbName, name: t.dbName, status: 'active', retention_days: 30, signing_keys: 1 },
    ]);
    const listed = await tenantCli('list');
    expect(listed.code).toBe(0);
    expect(listed.lines).toEqual(expect.arrayContaining([shown.lines[0], expect.objectContaining({ client_id: '1', sub_domain: '192.168.101.88' })]));
    expect(listed.lines.every((line) => !('jwt_secrets' in line) && line.client_id.match(/^[1-9][0-9]*$/))).toBe(true);
    for (const output of [shown.stdout, listed.stdout, shown.stderr, listed.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain('local-dev-only-secret');
    }
  });

  it('suspends, resumes and sets the retention', async () => {
    const t = fresh();
    await add(t);
    expect((await tenantCli('suspend', '--client-id', t.id)).lines[0]).toEqual(expect.objectContaining({ status: 'suspended' }));
    expect((await getTenantRecord(t.id))!.status).toBe('suspended');
    expect((await tenantCli('resume', '--client-id', t.id)).lines[0]).toEqual(expect.objectContaining({ status: 'active' }));
    expect((await getTenantRecord(t.id))!.status).toBe('active');
    expect((await tenantCli('set-retention', '--client-id', t.id, '--days', '7')).lines[0]).toEqual(expect.objectContaining({ retention_days: 7 }));
    expect((await getTenantRecord(t.id))!.retention_days).toBe(7);
  });

  it('turns staff_order_claims on and off (off by default); the tenant the API builds follows it', async () => {
    const t = fresh();
    await add(t);
    expect(toTenant((await getTenantRecord(t.id))!).staffOrderClaims).toBeUndefined();
    const on = await tenantCli('set-staff-order-claims', '--client-id', t.id, '--on');
    expect(on.code).toBe(0);
    expect(on.lines).toEqual([expect.objectContaining({ client_id: t.id, staff_order_claims: true })]);
    expect((await getTenantRecord(t.id))!.staff_order_claims).toBe(true);
    expect(toTenant((await getTenantRecord(t.id))!).staffOrderClaims).toBe(true);
    expect((await tenantCli('show', '--client-id', t.id)).lines[0]).toEqual(expect.objectContaining({ staff_order_claims: true }));

    const off = await tenantCli('set-staff-order-claims', '--client-id', t.id, '--off');
    expect(off.lines).toEqual([expect.objectContaining({ staff_order_claims: false })]);
    expect(toTenant((await getTenantRecord(t.id))!).staffOrderClaims).toBeUndefined();

    const before = await getTenantRecord(t.id);
    expectRefused(await tenantCli('set-staff-order-claims', '--client-id', t.id), /exactly one of --on and --off/, 2);
    expectRefused(await tenantCli('set-staff-order-claims', '--client-id', t.id, '--on', '--off'), /exactly one of --on and --off/, 2);
    expectRefused(await tenantCli('set-staff-order-claims', '--on'), /--client-id is required/, 2);
    expectRefused(await tenantCli('set-staff-order-claims', '--client-id', fresh().id, '--on'), /no tenant with client_id/);
    expect(await getTenantRecord(t.id)).toEqual(before);
  });

  it('rotates: the new key signs, the old one verifies until drop-secret --keep-newest', async () => {
    const t = fresh();
    const oldKey = (await add(t)).lines[0].jwt_secret as string;
    const rotated = await tenantCli('rotate-secret', '--client-id', t.id);
    expect(rotated.lines).toEqual([{ client_id: t.id, jwt_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), signing_keys: 2 }]);
    const newKey = rotated.lines[0].jwt_secret as string;
    expect(newKey).not.toBe(oldKey);
    const oldToken = await signAccessToken({ secret: oldKey, clientId: t.id, userId: '5', role: 'agent' });
    expect((await getTenantRecord(t.id))!.jwt_secrets).toEqual([newKey, oldKey]);
    await expect(verifyAccessToken(oldToken, (await getTenantRecord(t.id))!)).resolves.toEqual({ userId: '5', role: 'agent' });

    expectRefused(await tenantCli('drop-secret', '--client-id', t.id), /--keep-newest/, 2);
    const dropped = await tenantCli('drop-secret', '--client-id', t.id, '--keep-newest');
    expect(dropped.lines[0]).toEqual(expect.objectContaining({ client_id: t.id, signing_keys: 1 }));
    const record = (await getTenantRecord(t.id))!;
    expect(record.jwt_secrets).toEqual([newKey]);
    await expect(verifyAccessToken(oldToken, record)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('registers a public key with add-key: tokens its private half signs verify; private or repeated keys are refused', async () => {
    const t = fresh();
    await add(t);
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'tenant-jwk-'));
    try {
      const publicFile = path.join(dir, 'public.json');
      const privateFile = path.join(dir, 'private.json');
      writeFileSync(publicFile, JSON.stringify({ ...(await exportJWK(publicKey)), kid: 'platform-1' }));
      writeFileSync(privateFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'platform-2' }));

      const added = await tenantCli('add-key', '--client-id', t.id, '--jwk-file', publicFile);
      expect(added.lines).toEqual([expect.objectContaining({ client_id: t.id, signing_keys: 1, public_keys: ['platform-1'] })]);
      const record = (await getTenantRecord(t.id))!;
      expect(record.jwt_public_keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', kid: 'platform-1' })]);
      const token = await new SignJWT({ client_id: t.id, role: 'agent' })
        .setProtectedHeader({ alg: 'ES256', kid: 'platform-1' })
        .setSubject('9')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      await expect(verifyAccessToken(token, record)).resolves.toEqual(expect.objectContaining({ userId: '9', role: 'agent' }));

      expectRefused(await tenantCli('add-key', '--client-id', t.id, '--jwk-file', privateFile), /^tenant: jwk\.d: is a private-key member/);
      expectRefused(await tenantCli('add-key', '--client-id', t.id, '--jwk-file', publicFile), /kid "platform-1" is used twice/);
      expectRefused(await tenantCli('add-key', '--client-id', t.id, '--jwk-file', path.join(dir, 'missing.json')), /^tenant: --jwk-file .*missing\.json: no such file$/);
      expectRefused(await tenantCli('add-key', '--client-id', t.id), /--jwk-file is required/, 2);
      expect((await getTenantRecord(t.id))!.jwt_public_keys).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses weak or invalid public keys with add-key: a padded 1024-bit RSA modulus, exponent 3, an EC point off the curve', async () => {
    const t = fresh();
    await add(t);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as { n: string };
    const rsaE3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as { y: string };
    const y = Buffer.from(ec.y, 'base64url');
    y[31]! ^= 1;
    const refusals: Array<[object, RegExp]> = [
      // 256 bytes, as registration counted them before: 1024 bits of modulus behind 128 zero bytes.
      [{ ...rsa1024, n: Buffer.concat([Buffer.alloc(128), Buffer.from(rsa1024.n, 'base64url')]).toString('base64url') }, /^tenant: jwk\.n: must be a modulus of at least 2048 bits$/],
      [rsaE3, /^tenant: jwk\.e: must be AQAB \(65537\)$/],
      [{ ...ec, y: y.toString('base64url') }, /^tenant: jwk\.x: x and y must be a point on the P-256 curve$/],
    ];
    const dir = mkdtempSync(path.join(tmpdir(), 'tenant-jwk-'));
    try {
      for (const [index, [jwk, message]] of refusals.entries()) {
        const file = path.join(dir, `weak-${index}.json`);
        writeFileSync(file, JSON.stringify({ ...jwk, kid: `weak-${index}` }));
        expectRefused(await tenantCli('add-key', '--client-id', t.id, '--jwk-file', file), message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await getTenantRecord(t.id))!.jwt_public_keys).toBeUndefined();
  });

  it('refuses an existing client_id, a taken sub_domain or db_name, and leaves nothing behind', async () => {
    const holder = fresh();
    await add(holder);
    const before = await getTenantRecord(holder.id);
    const t = fresh();

    expectRefused(await add({ ...t, id: holder.id }), new RegExp(`client_id ${holder.id} already exists`));
    expectRefused(await add({ ...t, subDomain: holder.subDomain.toUpperCase() }), new RegExp(`sub_domain .* is held by tenant ${holder.id}`));
    expectRefused(await add({ ...t, dbName: holder.dbName }), new RegExp(`db_name ${holder.dbName} is held by tenant ${holder.id}`));
    expectRefused(await add({ ...t, subDomain: 'ace.localhost' }), /sub_domain ace.localhost is held by tenant 2/);

    // None of the refused adds wrote a record or kept a claim; the holder is untouched.
    expect(await getTenantRecord(t.id)).toBeUndefined();
    expect(await itemsMentioning(t.subDomain, t.dbName, `"${t.id}"`)).toEqual([]);
    expect(await getTenantRecord(holder.id)).toEqual(before);
    expect((await add(t)).code).toBe(0);
  });

  it('validates with the registry schema: one line naming the field, exit code 1', async () => {
    const t = fresh();
    expectRefused(await add({ ...t, id: '0' }), /^tenant: client_id: must be a positive integer/);
    expectRefused(await add({ ...t, id: 'abc' }), /^tenant: client_id: /);
    expectRefused(await add({ ...t, subDomain: 'not a host' }), /^tenant: sub_domain: must be a host name or an IP address$/);
    expectRefused(await add({ ...t, dbName: 'drop table;' }), /^tenant: db_name: must be a plain identifier/);
    expectRefused(await add(t, '--retention-days', '0'), /^tenant: retention_days: /);
    expectRefused(await add(t, '--retention-days', 'soon'), /^tenant: retention_days: /);
    expect(await itemsMentioning(t.subDomain, t.dbName)).toEqual([]);
    await add(t);
    expectRefused(await tenantCli('set-retention', '--client-id', t.id, '--days=-3'), /^tenant: retention_days: /);
    expect((await getTenantRecord(t.id))!.retention_days).toBe(30);
  });

  it('refuses unknown tenants and wrong command lines', async () => {
    const missing = fresh().id;
    for (const command of ['show', 'suspend', 'resume', 'rotate-secret']) {
      expectRefused(await tenantCli(command, '--client-id', missing), new RegExp(`no tenant with client_id ${missing}`));
    }
    expectRefused(await tenantCli('set-retention', '--client-id', missing, '--days', '3'), /no tenant with client_id/);
    expectRefused(await tenantCli('drop-secret', '--client-id', missing, '--keep-newest'), /no tenant with client_id/);
    expectRefused(await tenantCli('frobnicate'), /unknown command frobnicate/, 2);
    expectRefused(await tenantCli(), /a command is required/, 2);
    expectRefused(await tenantCli('show'), /--client-id is required/, 2);
    expectRefused(await tenantCli('add', '--client-id', '5', '--bogus'), /bogus/, 2);
    expectRefused(await tenantCli('set-retention', '--client-id', '1'), /--days is required/, 2);
  });

  it('runs as `npm run tenant` and reports an unreachable store in one line', async () => {
    const shown = await tenantProcess('npm', ['run', '--silent', 'tenant', '--', 'show', '--client-id', '2']);
    expect(shown.lines).toEqual([expect.objectContaining({ client_id: '2', sub_domain: 'ace.localhost' })]);
    const down = await tenantProcess(TSX, ['scripts/tenant.ts', 'list'], { ...ENV, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    expectRefused(down, /cannot reach http:\/\/127.0.0.1:9/);
  });
});

describe('adding tenants concurrently (the conditional writes under the CLI)', () => {
  const record = (id: string, subDomain: string, dbName: string): TenantRecord => ({
    client_id: id,
    sub_domain: subDomain,
    db_name: dbName,
    name: 'Race',
    status: 'active',
    jwt_secrets: ['race-secret-race-secret-race-secret-0'],
    retention_days: 30,
  });

  it('gives a contested sub_domain to exactly one of ten adds; the others leave nothing', async () => {
    const shared = fresh();
    const contenders = Array.from({ length: 10 }, () => fresh());
    const results = await Promise.allSettled(contenders.map((c) => createTenantRecord(record(c.id, shared.subDomain, c.dbName))));
    const won = results.flatMap((result, i) => (result.status === 'fulfilled' ? [contenders[i]!] : []));
    expect(won).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(TenantConflict);
    const losers = contenders.filter((c) => c !== won[0]);
    for (const loser of losers) expect(await getTenantRecord(loser.id)).toBeUndefined();
    expect(await itemsMentioning(...losers.map((l) => l.dbName))).toEqual([]);
  });

  it('gives a contested client_id to exactly one of ten adds', async () => {
    const id = fresh().id;
    const contenders = Array.from({ length: 10 }, () => fresh());
    const results = await Promise.allSettled(contenders.map((c) => createTenantRecord(record(id, c.subDomain, c.dbName))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const holder = (await getTenantRecord(id))!;
    const leftovers = await itemsMentioning(...contenders.filter((c) => c.subDomain !== holder.sub_domain).flatMap((c) => [c.subDomain, c.dbName]));
    expect(leftovers).toEqual([]);
  });

  it('takes over a claim an interrupted add left behind, once it is stale', async () => {
    const t = fresh();
    // An add that died after claiming its sub_domain: the claim exists, no record holds it.
    const abandoned = { client_id: `UNIQUE#sub_domain#${t.subDomain}`, owner: fresh().id, claim_id: 'abandoned', claimed_at: Date.now() - 120_000 };
    await registryClient().send(new PutCommand({ TableName: config.tenantsTable, Item: abandoned }));
    await createTenantRecord(record(t.id, t.subDomain, t.dbName));
    const { Item } = await registryClient().send(new GetCommand({ TableName: config.tenantsTable, Key: { client_id: abandoned.client_id } }));
    expect(Item).toEqual(expect.objectContaining({ owner: t.id }));
    // A fresh unheld claim may be an add in progress: refused, not taken.
    const young = fresh();
    await registryClient().send(
      new PutCommand({ TableName: config.tenantsTable, Item: { ...abandoned, client_id: `UNIQUE#db_name#${young.dbName}`, claimed_at: Date.now() } }),
    );
    await expect(createTenantRecord(record(young.id, young.subDomain, young.dbName))).rejects.toThrow(/being added right now/);
  });

  it('keeps claims out of the tenant list the cleanup pass reads', async () => {
    const { records, invalid } = await listTenantRecords();
    expect(invalid).toBe(0);
    expect(records.every((r) => /^[1-9][0-9]*$/.test(r.client_id))).toBe(true);
  });
});
