import { logger } from '../log';
import type { CleanupSummary } from './passCounts';
import type { TenantPassSummary } from './cleanTenant';

/** Where a pass reports: the structured logger in Lambda, stderr for `npm run cleanup`. */
export interface CleanupReporter {
  tenant(summary: TenantPassSummary): void;
  tenantFailed(clientId: string, error: unknown): void;
  pass(summary: CleanupSummary): void;
}

/** One structured line per tenant and per pass: counts and timings only, never room content. */
export const logReporter: CleanupReporter = {
  tenant: (summary) => logger.info('cleanup tenant', { ...summary }),
  tenantFailed: (clientId, error) => logger.error('cleanup tenant failed', { clientId, error: error as Error }),
  pass: (summary) => logger.info('cleanup pass', { ...summary }),
};
