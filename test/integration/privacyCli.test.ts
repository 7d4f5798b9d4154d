import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { personExport } from '../../lib/privacy/privacySchemas';
import { privacyCli as runPrivacyCli } from '../../scripts/privacy';
import { runCli, type CliResult } from '../support/cli';
import { tenant1, tenant2 } from './chatFixtures';
import { itemsNaming, personWithRooms, tenantItems } from './privacyFixtures';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const privacyCli = (...args: string[]) => runCli(runPrivacyCli, args);

/** A refusal: non-zero exit, nothing on stdout, the first stderr line says why. */
const expectRefused = (result: CliResult, message: RegExp, code = 1) => {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const [line, ...usage] = result.stderr.split('\n');
  expect(line).toMatch(/^privacy: /);
  expect(line).toMatch(message);
  if (code === 1) expect(usage).toEqual([]);
};

describe('npm run privacy', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'privacy-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports to a file and erases, finding the rooms they were reassigned out of with --scan', async () => {
    const fixture = await personWithRooms(tenant1);
    const twin = await personWithRooms(tenant2, fixture.person.userId);
    const out = path.join(dir, 'export.json');

    const exported = await privacyCli('export', '1', 'user', fixture.person.userId, '--out', out, '--scan');
    expect(exported.code).toBe(0);
    expect(exported.lines).toEqual([{ out, rooms: 4, messages: 6 }]);
    expect(exported.stderr).toMatch(/^scan: read \d+ items of the table, found 4 room\(s\) holding the person's data$/);
    // Personal data: readable by its owner only.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const document = personExport.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(document.rooms.map((room) => room.participation).sort()).toEqual(['current', 'current', 'current', 'former']);
    expect(document.rooms.flatMap((room) => room.messages.map((message) => message.text)).sort()).toEqual([...fixture.secrets.texts].sort());
    // Without --out, the document itself is the one line on stdout (here without --scan: the former room is not found).
    const inline = await privacyCli('export', '1', 'user', fixture.person.userId);
    expect(inline.lines).toHaveLength(1);
    expect(inline.lines[0].rooms.map((room: { _id: string }) => room._id).sort()).toEqual(fixture.current.map((room) => room.roomId).sort());

    const twinBefore = await tenantItems(tenant2);
    const erased = await privacyCli('erase', '1', 'user', fixture.person.userId, '--scan', '--requested-by', 'ticket-4711');
    expect(erased.code).toBe(0);
    expect(erased.lines).toEqual([
      expect.objectContaining({
        status: 'complete',
        role: 'user',
        requested_by: { via: 'cli', role: 'operator', user_id: 'ticket-4711' },
        counts: { rooms: 4, messages: 6, client_message_ids: 4, connections: 1 },
      }),
    ]);
    expect(await itemsNaming(tenant1, fixture.secrets)).toEqual([]);
    expect(await tenantItems(tenant2)).toEqual(expect.arrayContaining(twinBefore));
    expect((await itemsNaming(tenant2, twin.secrets)).length).toBeGreaterThan(10);

    const audit = await privacyCli('audit', '1');
    expect(audit.lines).toEqual(expect.arrayContaining([expect.objectContaining({ erasure_id: erased.lines[0].erasure_id, counts: erased.lines[0].counts })]));
    expect(audit.stdout).not.toContain(fixture.person.userId);
  });

  it('refuses bad input in one line naming the field, unknown tenants, and wrong command lines', async () => {
    expectRefused(await privacyCli('export', '1', 'owner', '5'), /^privacy: role: must be one of agent, user, vendor$/);
    expectRefused(await privacyCli('erase', '1', 'user', 'abc'), /^privacy: user_id: must be a positive integer/);
    expectRefused(await privacyCli('erase', '0', 'user', '5'), /^privacy: client_id: /);
    expectRefused(await privacyCli('erase', '1', 'user', '5', '--room', 'nope'), /^privacy: room_ids\.0: must be a 24-character hex room _id$/);
    expectRefused(await privacyCli('erase', '987654321', 'user', '5'), /^privacy: no tenant with client_id 987654321$/);
    expectRefused(await privacyCli('audit', '987654321'), /^privacy: no tenant with client_id 987654321$/);
    expectRefused(await privacyCli('erase', '1', 'user'), /expected <client_id> <role> <user_id>/, 2);
    expectRefused(await privacyCli('erase', '1', 'user', '5', '--out', 'x.json'), /--out is for export/, 2);
    expectRefused(await privacyCli('forget', '1', 'user', '5'), /unknown command forget/, 2);
    expectRefused(await privacyCli(), /a command is required/, 2);
    expectRefused(await privacyCli('export', '1', 'user', '5', '--bogus'), /bogus/, 2);
  });

  it('runs as `npm run privacy`', async () => {
    const fixture = await personWithRooms(tenant1);
    const { stdout } = await exec('npm', ['run', '--silent', 'privacy', '--', 'erase', '1', 'user', fixture.person.userId], { cwd: REPO_ROOT, env: ENV });
    expect(JSON.parse(stdout.trim())).toMatchObject({ status: 'complete', counts: { rooms: 3 } });
    // The room it was reassigned out of was neither named nor scanned for: it is all that is left of them.
    const left = await itemsNaming(tenant1, fixture.secrets);
    expect(new Set(left.map((item) => item.pk)).size).toBe(1);
  });
});
