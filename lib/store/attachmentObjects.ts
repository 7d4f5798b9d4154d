import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../aws/s3';
import { CopyObjectCommand, createPresignedPost, DeleteObjectsCommand, GetObjectCommand, getSignedUrl, HeadObjectCommand, ListObjectsV2Command } from '../aws/s3Sdk';
import { config } from '../config';
import { documentClient } from './client';
import type { TenantKeyScope } from './keys';
import { addObjectGuard, objectKeyViolation, TenantGuardError } from './tenantGuard';

/*
 * The attachments bucket, per tenant: every request goes through a client that only reaches keys
 * under `<client_id>/` (the in-process guard, and on AWS the tenant-access role's credentials,
 * the same session the tenant's DynamoDB client holds).
 */

/** Set by every upload form and removed by the copy a send makes: the bucket's lifecycle rule deletes what still has it after a day. */
const PENDING_TAG = { key: 'pending', value: 'true' } as const;
const PENDING_TAGGING = `<Tagging><TagSet><Tag><Key>${PENDING_TAG.key}</Key><Value>${PENDING_TAG.value}</Value></Tag></TagSet></Tagging>`;

const MAX_TENANT_CLIENTS = 256;
const clients = new Map<string, S3Client>();

/**
 * The S3 client of one tenant, kept warm like its DynamoDB client. Where the tenant-access role
 * is configured it signs with that client's credentials (one AssumeRole serves both); the
 * cleanup, which has no such role, signs with its own.
 */
export const objectClient = (tenant: TenantKeyScope): S3Client => {
  const clientId = tenant.clientId;
  let client = clients.get(clientId);
  if (client) {
    clients.delete(clientId);
  } else {
    client = createS3Client(config.tenantAccessRoleArn ? { credentials: documentClient(tenant).config.credentials } : {});
    addObjectGuard(client, { clientId });
    if (clients.size >= MAX_TENANT_CLIENTS) clients.delete(clients.keys().next().value!);
  }
  clients.set(clientId, client);
  return client;
};

export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

/**
 * A presigned POST for exactly one object: its key, content type, disposition and size are
 * fixed by the signed policy (S3 refuses a form whose fields or file differ), and it carries the
 * `pending` tag. The presigner signs without running the client's middleware, so the key is
 * checked against the tenant's prefix here.
 */
export const presignUpload = async (
  tenant: TenantKeyScope,
  key: string,
  object: { contentType: string; disposition: string; size: number; expiresSeconds: number },
): Promise<UploadForm> => {
  const reason = objectKeyViolation(tenant, 'Key', key);
  if (reason) throw new TenantGuardError(tenant.clientId, 'PresignedPost', reason);
  return createPresignedPost(objectClient(tenant), {
    Bucket: config.attachmentsBucket,
    Key: key,
    Fields: { 'Content-Type': object.contentType, 'Content-Disposition': object.disposition, tagging: PENDING_TAGGING },
    Conditions: [['content-length-range', object.size, object.size]],
    Expires: object.expiresSeconds,
  });
};

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  etag: string;
  lastModified: Date;
}

const isMissing = (error: unknown): boolean => {
  const name = (error as { name?: string }).name;
  return name === 'NotFound' || name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
};

/** What S3 holds under `key`, or undefined when nothing is there. */
export const headObject = async (tenant: TenantKeyScope, key: string): Promise<StoredObject | undefined> => {
  try {
    const head = await objectClient(tenant).send(new HeadObjectCommand({ Bucket: config.attachmentsBucket, Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, etag: head.ETag ?? '', lastModified: head.LastModified ?? new Date(0) };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

/** The first `bytes` bytes of the object, if it is still the version `etag` names (undefined if it changed or went). */
export const readObjectStart = async (tenant: TenantKeyScope, key: string, etag: string, bytes: number): Promise<Uint8Array | undefined> => {
  try {
    const object = await objectClient(tenant).send(
      new GetObjectCommand({ Bucket: config.attachmentsBucket, Key: key, Range: `bytes=0-${bytes - 1}`, IfMatch: etag }),
    );
    return await object.Body!.transformToByteArray();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (isMissing(error) || status === 412) return undefined;
    throw error;
  }
};

/**
 * Copy the version `etag` of `from` to `to`, untagged (so the lifecycle rule leaves it) and with
 * the headers its downloads default to. False if `from` changed or went since it was checked.
 */
export const copyObject = async (
  tenant: TenantKeyScope,
  from: string,
  to: string,
  object: { etag: string; contentType: string; disposition: string },
): Promise<boolean> => {
  try {
    await objectClient(tenant).send(
      new CopyObjectCommand({
        Bucket: config.attachmentsBucket,
        Key: to,
        CopySource: encodeURI(`${config.attachmentsBucket}/${from}`),
        CopySourceIfMatch: object.etag,
        MetadataDirective: 'REPLACE',
        ContentType: object.contentType,
        ContentDisposition: object.disposition,
        // With no tags given, the copy has none.
        TaggingDirective: 'REPLACE',
      }),
    );
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (isMissing(error) || status === 412) return false;
    throw error;
  }
};

/** S3 deletes at most this many keys per request. */
const DELETE_BATCH = 1000;

/** Delete these objects (a missing one is no error); how many were asked for. */
export const deleteObjects = async (tenant: TenantKeyScope, keys: readonly string[]): Promise<number> => {
  for (let start = 0; start < keys.length; start += DELETE_BATCH) {
    const batch = keys.slice(start, start + DELETE_BATCH);
    const { Errors = [] } = await objectClient(tenant).send(
      new DeleteObjectsCommand({ Bucket: config.attachmentsBucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    if (Errors.length > 0) throw new Error(`S3 kept ${Errors.length} of ${batch.length} objects: ${Errors[0]?.Code} ${Errors[0]?.Message}`);
  }
  return keys.length;
};

/**
 * Delete one page (up to 1000) of the objects under `prefix`: what was deleted, and whether more
 * may remain. Each page lists what is left, so a caller stopped between pages resumes where it was.
 */
export const deleteObjectsPage = async (tenant: TenantKeyScope, prefix: string): Promise<{ deleted: number; more: boolean }> => {
  const listed = await objectClient(tenant).send(
    new ListObjectsV2Command({ Bucket: config.attachmentsBucket, Prefix: prefix, MaxKeys: DELETE_BATCH }),
  );
  const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
  if (keys.length > 0) await deleteObjects(tenant, keys);
  return { deleted: keys.length, more: listed.IsTruncated === true };
};

/**
 * A presigned GET of `key`, whose answer carries the verified content type and the disposition
 * (inline for images, attachment otherwise) whatever the object's own metadata says.
 */
export const presignDownload = async (
  tenant: TenantKeyScope,
  key: string,
  object: { contentType: string; disposition: string; expiresSeconds: number },
): Promise<string> =>
  getSignedUrl(
    objectClient(tenant),
    new GetObjectCommand({
      Bucket: config.attachmentsBucket,
      Key: key,
      ResponseContentType: object.contentType,
      ResponseContentDisposition: object.disposition,
      ResponseCacheControl: 'private, max-age=900',
    }),
    { expiresIn: object.expiresSeconds },
  );
