import { randomInt } from 'node:crypto';

/** Fresh ids per test: test files run in parallel against one store and one stack. */
export const newId = () => String(randomInt(1, 2 ** 40));
