import path from 'node:path';
import { promisify } from 'node:util';
import newman from 'newman';
import { signLocalToken } from '../../scripts/local/tokens';

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
});
