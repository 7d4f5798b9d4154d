import { SSMClient } from '@aws-sdk/client-ssm';
import type middy from '@middy/core';
import ssm from '@middy/ssm';
import { config, provideCursorSecret } from '../config';

export interface CursorSecretOptions {
  /** The SSM parameter's name; CURSOR_SECRET_PARAMETER by default. */
  parameterName?: string;
  /** The SSM client class (tests pass one whose transport is stubbed). */
  AwsClient?: typeof SSMClient;
}

/**
 * middy middleware: the paging cursors' key from SSM Parameter Store (a SecureString, decrypted)
 * when a parameter is named. middy's ssm fetches it once per container, as the handler module
 * loads, and keeps it, so a warm request makes no SSM call; the function's environment carries only
 * the parameter's name. Without one (local runs) it adds nothing and lib/config's local key applies.
 */
export const cursorSecretFromSsm = ({
  parameterName = config.cursorSecretParameter,
  AwsClient = SSMClient,
}: CursorSecretOptions = {}): middy.MiddlewareObj[] => {
  if (!parameterName) return [];
  return [
    // (middy's types tie the context key to the handler's context; the next middleware reads it.)
    ssm({ AwsClient, fetchData: { cursorSecret: parameterName }, setToContext: true, cacheKey: `ssm:${parameterName}`, cacheExpiry: -1 }) as middy.MiddlewareObj,
    {
      before: ({ context }) => {
        const value = (context as { cursorSecret?: unknown }).cursorSecret;
        // middy parses values that look like JSON; a secret is text whatever it looks like.
        if (value === undefined || value === null || String(value).length < 32) {
          throw new Error(`SSM parameter ${parameterName} must hold a secret of at least 32 characters`);
        }
        provideCursorSecret(String(value));
      },
    },
  ];
};
