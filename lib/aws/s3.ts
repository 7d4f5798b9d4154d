import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { config } from '../config';
import { ATTEMPTS, retryBackoffMs } from './retries';
import { ConfiguredRetryStrategy, S3Client } from './s3Sdk';

/**
 * LOCAL DEVELOPMENT ONLY: the one account the local S3 (s3rver) knows. It signs locally what the
 * tenant-access role's credentials sign on a deployed stage.
 */
const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3ClientOptions {
  /** The tenant-access role's credentials where there is one; the function's own otherwise. */
  credentials?: S3ClientConfig['credentials'];
}

/**
 * An S3 client as every function makes it: the SDK's standard retries with the same short
 * full-jitter backoff as the store (a Lambda behind API Gateway has seconds), each attempt cut off
 * after `s3RequestTimeoutMs`. Against a local endpoint (AWS_ENDPOINT_URL_S3) it addresses buckets
 * by path and signs as the local account, so it never probes the instance-metadata address.
 * What still fails with a retryable fault is answered 503 like a store fault (lib/aws/retries.ts).
 */
export const createS3Client = (options: S3ClientOptions = {}): S3Client => {
  const endpoint = config.s3EndpointUrl;
  return new S3Client({
    region: config.region,
    retryStrategy: new ConfiguredRetryStrategy(ATTEMPTS, retryBackoffMs),
    requestHandler: {
      requestTimeout: config.s3RequestTimeoutMs,
      connectionTimeout: Math.min(1000, config.s3RequestTimeoutMs),
      throwOnRequestTimeout: true,
    },
    // Checksums only where S3 requires them: a ranged read cannot be validated, and a download URL
    // then asks for no checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint && { endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS }),
    ...(options.credentials && { credentials: options.credentials }),
  });
};
