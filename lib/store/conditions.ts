import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write whose condition did not hold: an expected outcome, not a failure. */
export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** What `write` returns, or undefined when its condition did not hold. */
export const unlessConditionFails = async <T>(write: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** Whether `write`'s condition held (and so the write happened). */
export const conditionHeld = async (write: () => Promise<unknown>): Promise<boolean> =>
  (await unlessConditionFails(async () => {
    await write();
    return true;
  })) ?? false;
