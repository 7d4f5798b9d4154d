import type middy from '@middy/core';
import { config, provideCursorSecret } from '../config';
import { fetchSecureParameter, type SsmTransport } from './ssmParameter';

export interface CursorSecretOptions {
  /** The SSM parameter's name; CURSOR_SECRET_PARAMETER by default. */
  parameterName?: string;
  /** How SSM is reached; the function's own credentials and connections by default (tests answer in-process). */
  transport?: () => SsmTransport;
}

/**
 * middy middleware: the paging cursors' key from SSM Parameter Store (a SecureString, decrypted)
 * when a parameter is named. The parameter is fetched when the first cursor is made or read, not
 * as the handler loads: a request whose answer fits one page needs no key. Once fetched it is
 * kept, so a warm request makes no SSM call; a failed fetch is retried by the next request. The
 * function's environment carries only the parameter's name. Without one (local runs) it adds
 * nothing and lib/config's local key applies.
 */
export const cursorSecretFromSsm = ({ parameterName = config.cursorSecretParameter, transport }: CursorSecretOptions = {}): middy.MiddlewareObj[] => {
  if (!parameterName) return [];
  let fetched: Promise<string> | undefined;
  const fetchSecret = async (): Promise<string> => {
    const value = await fetchSecureParameter(parameterName, transport?.());
    if (value.length < 32) throw new Error(`SSM parameter ${parameterName} must hold a secret of at least 32 characters`);
    return value;
  };
  const source = () =>
    (fetched ??= fetchSecret().catch((error: unknown) => {
      fetched = undefined;
      throw error;
    }));
  return [{ before: () => provideCursorSecret(source) }];
};
