import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write whose condition did not hold: an expected outcome, not a failure. */
export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;
