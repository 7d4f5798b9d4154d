import path from 'node:path';
import { promisify } from 'node:util';
import newman from 'newman';
import { signLocalToken } from '../../scripts/local/tokens';
import { assertHttpContract } from '../support/contract';

const runCollection = promisify(newman.run) as (options: newman.NewmanRunOptions) => Promise<newman.NewmanRunSummary>;

it('the published Postman request passes its assertions unchanged (newman)', async () => {
  const summary = await runCollection({
    collection: path.join(__dirname, '../postman/startChat.postman_collection.json'),
    envVar: [
      { key: 'URL', value: process.env.API_URL! },
      { key: 'Authorization', value: await signLocalToken(1, 133, 'agent') },
      { key: 'client', value: 'salesdemo' },
    ],
    reporters: [],
  });
  const { assertions, requests } = summary.run.stats;
  expect(summary.run.failures.map((failure) => failure.error.message)).toEqual([]);
  expect(requests.total).toBe(1);
  expect(assertions.total).toBe(3);
  expect(assertions.failed).toBe(0);
  // The answer newman received keeps to the OpenAPI document too, like every answer a test receives.
  const [{ response }] = summary.run.executions as unknown as [{ response: { code: number; text(): string; headers: { all(): { key: string; value: string }[] } } }];
  const headers = Object.fromEntries(response.headers.all().map(({ key, value }) => [key.toLowerCase(), value]));
  assertHttpContract({ method: 'POST', path: '/api/v1/chat/startChat', status: response.code, headers, text: response.text() });
});
