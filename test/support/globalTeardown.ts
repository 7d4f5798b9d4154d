/** jest globalTeardown: stop what globalSetup started; offline first, as it talks to the store. */
import { takeLocalStack } from './localStack';

export default async function globalTeardown(): Promise<void> {
  const stack = takeLocalStack();
  try {
    await stack?.offline?.stop();
  } finally {
    await Promise.all([stack?.store.stop(), stack?.s3?.stop()]);
  }
}
