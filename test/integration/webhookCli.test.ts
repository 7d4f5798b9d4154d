/**
 * `npm run tenant -- webhook …` and `npm run webhooks -- …` against the test store: endpoints
 * added, listed without secrets, rotated, disabled, enabled and removed; refusals on one line;
 * failed deliveries listed and replayed.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { getTenantRecord } from '../../lib/store/tenants';
import { toTenant } from '../../lib/tenancy/tenant';
import { logger } from '../../lib/log';
import { tenantCli as runTenantCli } from '../../scripts/tenant';
import { webhooksCli as runWebhooksCli } from '../../scripts/webhooks';
import { runCli, type CliResult } from '../support/cli';
import { startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../support/webhookReceiver';
import { newTenantRecord, pendingOf, sweepAt } from './webhookFixtures';
import { putFailedDelivery } from '../../lib/store/webhooks';
import { webhookIdOf } from '../../lib/webhooks/payload';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');

const tenant = (...args: string[]) => runCli(runTenantCli, args);
const webhooks = (...args: string[]) => runCli(runWebhooksCli, args);

/** A refusal: exit code, nothing on stdout, and the first stderr line naming the problem. */
const expectRefused = (result: CliResult, prefix: string, message: RegExp, code = 1) => {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  const [line, ...rest] = result.stderr.split('\n');
  expect(line).toMatch(new RegExp(`^${prefix}: `));
  expect(line).toMatch(message);
  if (code === 1) expect(rest).toEqual([]);
};

let hooks: WebhookReceiver;
let warnings: jest.SpyInstance;
beforeEach(async () => {
  hooks = await startWebhookReceiver();
  warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  warnings.mockRestore();
  await hooks.close();
});

describe('npm run tenant -- webhook', () => {
  it('adds an endpoint with its secret printed once, lists it without secrets, and the tenant subscribes', async () => {
    const { client_id: clientId } = await newTenantRecord();
    const added = await tenant('webhook', 'add', clientId, '--url', `${hooks.url}/hooks`, '--events', 'message.created, room.closed');
    expect(added.code).toBe(0);
    expect(added.lines).toEqual([
      {
        client_id: clientId,
        id: expect.stringMatching(/^ep_[0-9a-f]{16}$/),
        url: `${hooks.url}/hooks`,
        events: ['message.created', 'room.closed'],
        status: 'enabled',
        created_at: expect.any(String),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      },
    ]);
    expect(added.stderr).toMatch(/shown this once/);
    const { id, secret } = added.lines[0];
    expect(toTenant((await getTenantRecord(clientId))!).webhookEvents).toEqual(['message.created', 'room.closed']);

    const listed = await tenant('webhook', 'list', clientId);
    expect(listed.lines).toEqual([{ id, url: `${hooks.url}/hooks`, events: ['message.created', 'room.closed'], status: 'enabled', created_at: added.lines[0].created_at }]);
    const shown = await tenant('show', '--client-id', clientId);
    expect(shown.lines[0]).toMatchObject({ webhook_endpoints: 1 });
    for (const output of [listed.stdout, shown.stdout, (await tenant('list')).stdout]) expect(output).not.toContain(secret.slice(6));
  });

  it('rotates the secret (both sign for the overlap), disables, enables and removes', async () => {
    const { client_id: clientId } = await newTenantRecord();
    const { id, secret } = (await tenant('webhook', 'add', clientId, '--url', hooks.url, '--events', 'message.created')).lines[0];
    const rotated = await tenant('webhook', 'rotate-secret', clientId, id, '--overlap-hours', '2');
    expect(rotated.code).toBe(0);
    expect(rotated.lines[0]).toMatchObject({ id, secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: expect.any(String) });
    expect(Date.parse(rotated.lines[0].previous_secret_expires_at) - Date.now()).toBeGreaterThan(1.9 * 3600_000);
    expect((await getTenantRecord(clientId))!.webhooks![0]!.secrets.map((entry) => entry.secret)).toEqual([rotated.lines[0].secret, secret]);

    expect((await tenant('webhook', 'disable', clientId, id)).lines[0]).toMatchObject({ status: 'disabled', disabled_reason: 'operator' });
    expect(toTenant((await getTenantRecord(clientId))!).webhookEvents).toBeUndefined();
    expect((await tenant('webhook', 'enable', clientId, id)).lines[0]).toMatchObject({ status: 'enabled' });
    expect((await tenant('webhook', 'remove', clientId, id)).lines).toEqual([{ client_id: clientId, removed: id }]);
    expect((await tenant('webhook', 'list', clientId)).lines).toEqual([]);
  });

  it('refuses what a deployed stage would, private addresses, unknown events and endpoints, on one line', async () => {
    const { client_id: clientId } = await newTenantRecord();
    expectRefused(await tenant('webhook', 'add', clientId, '--url', 'http://10.0.0.8/hook', '--events', 'message.created'), 'tenant', /^tenant: url: must be https, or http to a loopback address/);
    expectRefused(await tenant('webhook', 'add', clientId, '--url', 'https://169.254.169.254/', '--events', 'message.created'), 'tenant', /url: 169\.254\.169\.254 is not a public address/);
    expectRefused(await tenant('webhook', 'add', clientId, '--url', hooks.url, '--events', 'message.archived'), 'tenant', /events: message\.archived is not one of/);
    expectRefused(await tenant('webhook', 'remove', clientId, 'ep_0000000000000000'), 'tenant', /has no webhook endpoint ep_0000000000000000/);
    expectRefused(await tenant('webhook', 'list', '999999999999'), 'tenant', /no tenant with client_id 999999999999/);
    expectRefused(await tenant('webhook', 'add', clientId, '--events', 'message.created'), 'tenant', /--url is required/, 2);
    expectRefused(await tenant('webhook', 'frobnicate'), 'tenant', /unknown webhook command frobnicate/, 2);
    expect((await getTenantRecord(clientId))!.webhooks).toBeUndefined();
  });

  it('runs as `npm run tenant` does, in a process of its own', async () => {
    const { client_id: clientId } = await newTenantRecord();
    const { stdout, stderr } = await exec(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/tenant.ts', 'webhook', 'add', clientId, '--url', hooks.url, '--events', 'room.opened'], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ client_id: clientId, events: ['room.opened'] });
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('npm run webhooks', () => {
  it('lists failed deliveries and replays one, which the next sweep sends with its webhook-id', async () => {
    const { client_id: clientId } = await newTenantRecord();
    const { id, secret } = (await tenant('webhook', 'add', clientId, '--url', hooks.url, '--events', 'message.created')).lines[0];
    const webhookId = webhookIdOf(`message.created:cli-${clientId}`);
    const deliveryId = `${clientId}.${id}.${webhookId}`;
    // A body of no published type: only its bytes and signature matter to a replay.
    const body = JSON.stringify({ type: 'replay.test', timestamp: new Date().toISOString(), data: { event_id: `message.created:cli-${clientId}` } });
    const now = Date.now();
    await putFailedDelivery(
      { clientId },
      { delivery_id: deliveryId, endpoint_id: id, webhook_id: webhookId, event_type: 'message.created', body, attempts: 9, first_attempt_at: now - 30 * 3600_000, last_attempt_at: now, last_status: 500, failed_at: now, reason: 'attempts_exhausted' },
      now + 7 * 24 * 3600_000,
    );
    const failed = await webhooks('failed', '--tenant', clientId);
    expect(failed.lines).toEqual([expect.objectContaining({ delivery_id: deliveryId, client_id: clientId, endpoint_id: id, attempts: 9, last_status: 500, reason: 'attempts_exhausted' })]);
    expect((await webhooks('failed')).lines).toEqual(expect.arrayContaining([expect.objectContaining({ delivery_id: deliveryId })]));

    const replayed = await webhooks('replay', deliveryId);
    expect(replayed.lines).toEqual([{ delivery_id: deliveryId, due_at: expect.any(String) }]);
    expect((await webhooks('failed', '--tenant', clientId)).lines).toEqual([]);
    expect(await pendingOf(clientId)).toHaveLength(1);
    await sweepAt(Date.now(), clientId);
    const [delivery] = await hooks.waitFor(1);
    expect(delivery!.headers['webhook-id']).toBe(webhookId);
    expect(verifiedPayload(delivery!, secret)).toEqual(JSON.parse(body));

    expectRefused(await webhooks('replay', deliveryId), 'webhooks', /no failed delivery/);
    expectRefused(await webhooks('replay'), 'webhooks', /replay takes one <delivery_id>/, 2);
  });
});
