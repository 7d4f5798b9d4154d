/**
 * Contract violations seen since the last test ended: contract.ts records them where a response or
 * frame arrives, contractHooks.ts fails the test after it. Kept apart from contract.ts so the hook
 * loads nothing heavy into test files that never make a call.
 */
const seen: string[] = [];

export const recordContractViolations = (violations: string[]): void => {
  seen.push(...violations);
};

export const takeContractViolations = (): string[] => seen.splice(0);
