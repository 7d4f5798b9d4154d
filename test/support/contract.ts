/**
 * Every HTTP response a test receives through the shared helpers (api.ts, lambda.ts) is checked
 * against the OpenAPI document, every WebSocket frame (socket.ts) against the AsyncAPI document
 * (the oracle: scripts/contractOracle.ts). A status the operation does not list, a missing
 * documented header, a field the schema does not declare: each is a violation, thrown where the
 * test made the call and recorded for the afterEach in contractHooks.ts, so the test that saw it
 * fails even if it caught the error.
 */
import { contractOracle, type ContractOracle, type HttpExchange } from '../../scripts/contractOracle';
import { recordContractViolations } from './contractViolations';

export { contractOracle, type HttpExchange } from '../../scripts/contractOracle';

let oracle: ContractOracle | undefined;
const shared = (): ContractOracle => (oracle ??= contractOracle());

const report = (violations: string[]): void => {
  if (violations.length === 0) return;
  recordContractViolations(violations);
  throw new Error(`Contract violation:\n${violations.join('\n')}`);
};

/** Throws (and records) when the exchange breaks the OpenAPI document. */
export const assertHttpContract = (exchange: HttpExchange): void => report(shared().httpViolations(exchange));

/** Records a frame that breaks the AsyncAPI document, and returns the violations (empty when it keeps to it). */
export const checkFrameContract = (frame: unknown): string[] => {
  const violations = shared().frameViolations(frame);
  recordContractViolations(violations);
  return violations;
};
