import type middy from '@middy/core';
import { cachedSecureParameter, type SsmTransport } from '../aws/ssmParameter';
import { config, provideCursorSecret } from '../config';

export interface CursorSecretOptions {
  /** The SSM parameter's name; CURSOR_SECRET_PARAMETER by default. */
  parameterName?: string;
  /** How long a fetched secret is used: a rotated secret takes effect within it. CURSOR_SECRET_MAX_AGE_SECONDS (5 minutes) by default. */
  maxAgeMs?: number;
  /** How SSM is reached; the function's own credentials and connections by default (tests answer in-process). */
  transport?: () => SsmTransport;
  now?: () => number;
}

const checkSecret = (parameterName: string) => (value: string) => {
  if (value.length < 32) throw new Error(`SSM parameter ${parameterName} must hold a secret of at least 32 characters`);
};

/**
 * middy middleware: the paging cursors' key from SSM Parameter Store (a SecureString, decrypted)
 * when a parameter is named (lib/aws/ssmParameter.ts). The parameter is fetched when the first
 * cursor is made or read, not as the handler loads: a request whose answer fits one page needs no
 * key. It is kept for `maxAgeMs`, so a warm request makes no SSM call and a rotated secret takes
 * effect without a redeploy (the cursors sealed under the one before still open for a while,
 * lib/paging/cursor.ts). The function's environment carries only the parameter's name. Without one
 * (local runs) it adds nothing and lib/config's local key applies.
 */
export const cursorSecretFromSsm = ({
  parameterName = config.cursorSecretParameter,
  maxAgeMs = config.cursorSecretMaxAgeMs,
  transport,
  now,
}: CursorSecretOptions = {}): middy.MiddlewareObj[] => {
  if (!parameterName) return [];
  const source = cachedSecureParameter({ name: parameterName, maxAgeMs, check: checkSecret(parameterName), ...(transport && { transport }), ...(now && { now }) });
  return [{ before: () => provideCursorSecret(source) }];
};
