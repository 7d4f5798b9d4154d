import { randomBytes } from 'node:crypto';
import { config } from '../../lib/config';
import { roomObjectId } from '../../lib/rooms/identifiers';
import { EXPIRY_INDEX, expiryIndexAttributes, roomKey } from '../../lib/store/keys';
import { at, batchPut, cleanup, newTenant, T0, withMiddleware, type Middleware } from './cleanupFixtures';

const ROOMS = 20_000;
const EXPIRED = 200;
const DAY = 86_400;

describe('cleanup: cost grows with what expired, not with the table', () => {
  it(`reads at most 1.1 × ${EXPIRED} room records from ${ROOMS} rooms`, async () => {
    const tenant = await newTenant(30);
    const now = at(T0, 40);
    const nowSeconds = now.getTime() / 1000;
    // Room items as startChat stores them (keys, identity, activity, expiry), written in bulk.
    // The expired ones spread over the last three days and today; the fresh ones share today's
    // bucket (expiring later today) and the coming weeks.
    const items = Array.from({ length: ROOMS }, (_, index) => {
      const expiresAt =
        index < EXPIRED
          ? nowSeconds - (index % 4) * DAY - 1 - (index % 3)
          : index < EXPIRED * 2
            ? nowSeconds + 1 + index
            : nowSeconds + (1 + (index % 30)) * DAY;
      const ref = randomBytes(8).toString('hex');
      const updated = new Date((expiresAt - 30 * DAY) * 1000);
      return {
        ...roomKey(tenant, ref),
        _id: roomObjectId(ref, updated),
        room_id: String(10_000_000 + index),
        status: true,
        updated_date: updated.toISOString(),
        expires_at: expiresAt,
        ...expiryIndexAttributes(tenant, expiresAt),
      };
    });
    const writeStarted = performance.now();
    await batchPut(tenant, items);
    const writeMs = Math.round(performance.now() - writeStarted);

    const reads = { expiryItems: 0, allItems: 0, scans: 0 };
    const counter: Middleware = (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ScanCommand' && args.input.TableName === config.chatTable) reads.scans++;
      if (context.commandName === 'QueryCommand' || context.commandName === 'GetItemCommand') {
        const returned = result.output.Items?.length ?? (result.output.Item ? 1 : 0);
        reads.allItems += returned;
        if (args.input.IndexName === EXPIRY_INDEX) reads.expiryItems += returned;
      }
      return result;
    };
    const passStarted = performance.now();
    const summary = await withMiddleware(tenant, counter, () => cleanup([tenant], now));
    const passMs = Math.round(performance.now() - passStarted);

    expect(summary).toMatchObject({ scanned: EXPIRED, deleted: EXPIRED, skipped: 0, complete: true });
    expect(reads.scans).toBe(0);
    expect(reads.expiryItems).toBeLessThanOrEqual(1.1 * EXPIRED);
    // Everything else the pass read (cursor, cascades of childless rooms) adds no room records.
    expect(reads.allItems).toBeLessThanOrEqual(1.1 * EXPIRED);
    // The next pass, a minute later, finds nothing more to read.
    reads.expiryItems = 0;
    const next = await withMiddleware(tenant, counter, () => cleanup([tenant], at(now, 0, 60)));
    expect(next.deleted).toBe(0);
    expect(reads.expiryItems).toBe(0);
    process.stderr.write(`cleanupScale: wrote ${ROOMS} rooms in ${writeMs} ms; pass took ${passMs} ms\n`);
    // Writing the 20,000-room fixture dominates; generous for a loaded 2-core CI machine.
  }, 180_000);
});
