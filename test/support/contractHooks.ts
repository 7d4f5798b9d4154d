/**
 * jest setupFilesAfterEnv: a test fails when any response or frame it received broke the published
 * contract, even one it caught or never looked at (see contract.ts).
 */
import { takeContractViolations } from './contractViolations';

afterEach(() => {
  const violations = takeContractViolations();
  if (violations.length > 0) throw new Error(`This test received responses or frames that break the published contract:\n${violations.join('\n')}`);
});
