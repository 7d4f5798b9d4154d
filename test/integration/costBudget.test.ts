import { measureOperationUnits, ROUND_TRIP_BUDGETS, UNIT_BUDGETS, type OperationUnits } from '../../bench/operationUnits';
import { tenant1 } from './chatFixtures';

/**
 * Every chat operation within its DynamoDB unit budget, counted by DynamoDB's billing rules from
 * the store's items before and after it and the indexes serverless.yml defines.
 * `COST_REPORT=1` prints the measured figures.
 */
describe('cost budget', () => {
  let figures: OperationUnits[];
  let roomItemBytes: number;
  let roomItem: unknown;
  beforeAll(async () => {
    ({ figures, roomItemBytes, roomItem } = await measureOperationUnits({ tenant: tenant1 }));
    if (process.env.COST_REPORT === '1') console.log(`room item: ${roomItemBytes} bytes`, JSON.stringify(roomItem, null, 1));
    if (process.env.COST_REPORT === '1') console.table(figures.map(({ indexes, detail, ...figure }) => ({ ...figure, indexes: JSON.stringify(indexes), detail: detail?.join(', ') })));
  }, 120_000);

  it.each(Object.entries(UNIT_BUDGETS))('%s stays within its budget', (operation, budget) => {
    const measured = figures.find((figure) => figure.operation === operation);
    expect(measured).toBeDefined();
    expect(measured!.writeUnits).toBeLessThanOrEqual(budget.writeUnits);
    expect(measured!.readUnits).toBeLessThanOrEqual(budget.readUnits);
  });

  it('a send for a tenant with a webhook endpoint makes the same store requests, plus one asynchronous Lambda invocation', () => {
    const plain = figures.find((figure) => figure.operation === 'send')!;
    const subscribed = figures.find((figure) => figure.operation === 'send, tenant with a webhook endpoint')!;
    expect(plain.lambdaInvokes).toBe(0);
    expect(subscribed.lambdaInvokes).toBe(1);
    expect(subscribed.detail).toEqual(plain.detail);
    expect(subscribed.roundTrips).toBe(plain.roundTrips);
  });

  it('the cleanup of rooms that never had a file makes no S3 request', () => {
    expect(figures.find((figure) => figure.operation === 'cleanup per expired room')!.s3Requests).toBe(0);
  });

  it.each(Object.entries(ROUND_TRIP_BUDGETS))('%s takes at most %i sequential store round trips', (operation, budget) => {
    const measured = figures.find((figure) => figure.operation === operation);
    expect(measured).toBeDefined();
    expect(measured!.roundTrips).toBeGreaterThan(0);
    expect(measured!.roundTrips).toBeLessThanOrEqual(budget);
  });
});
