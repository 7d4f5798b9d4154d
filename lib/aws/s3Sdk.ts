/**
 * Every value this project takes from the S3 SDK packages, in one module. Most requests of the
 * functions that may meet a file have none (a send without attachments, a page of messages
 * without them, the cleanup of a room that never had files), so the functions' bundles load this
 * module on first use: the build makes it a file of its own beside the handler
 * (scripts/build/esbuildPlugins.cjs), with its own copy of the SDK core, and the handler requires
 * it when an S3 value is first read. Import S3 values from here, never from the packages, or the
 * S3 client is back in every load (the build refuses such an import); types may come from the
 * packages. The retry strategy comes from here too, so the S3 client runs on one copy of the core.
 */
export { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
export { createPresignedPost } from '@aws-sdk/s3-presigned-post';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
export { ConfiguredRetryStrategy } from '@smithy/core/retry';
