/**
 * `npm run reset`: wipe the local stack's data (.data/), so the next `npm start` seeds the local
 * tenants into an empty store and the demo (the printed curl, the playground's default order)
 * starts afresh. Refuses while a local stack holds the store.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { claimDirectory } from './local/dynalite';
import { REPO_ROOT } from './local/serverlessConfig';

export const LOCAL_DATA_DIRECTORY = path.join(REPO_ROOT, '.data');

export const resetLocalData = async (dataDirectory = LOCAL_DATA_DIRECTORY): Promise<void> => {
  // Claiming the store's directory fails while `npm start` holds it; held, nothing can start on it meanwhile.
  const release = await claimDirectory(path.join(dataDirectory, 'dynamodb'));
  try {
    await rm(path.join(dataDirectory, 'dynamodb'), { recursive: true, force: true });
  } finally {
    await release();
  }
  await rm(dataDirectory, { recursive: true, force: true });
};

if (require.main === module) {
  resetLocalData().then(
    () => console.log('Local data wiped: the next `npm start` seeds the local tenants into an empty store.'),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
