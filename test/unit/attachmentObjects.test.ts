/**
 * The attachments' walls and forms without a network: the S3 tenant guard (what a tenant's S3
 * client may send), the download headers a file name can produce, and the presigned POST's policy
 * judged by S3's rules (test/support/postPolicy.ts), since the local S3 does not enforce it.
 */
import { CopyObjectCommand, DeleteObjectsCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { contentDisposition } from '../../lib/attachments/attachment';
import { attachmentSettings, DEFAULT_ATTACHMENT_TYPES } from '../../lib/attachments/attachmentPolicy';
import { config } from '../../lib/config';
import { logger } from '../../lib/log';
import { objectClient, presignUpload } from '../../lib/store/attachmentObjects';
import { pendingObjectKey, sentObjectKey } from '../../lib/store/keys';
import { objectViolation, TenantGuardError } from '../../lib/store/tenantGuard';
import { decodePolicy, policyRefusal } from '../support/postPolicy';

const mine = { clientId: '1' };
const lookalike = { clientId: '12' };
const bucket = () => config.attachmentsBucket;
const violation = (command: string, input: Record<string, unknown>) => objectViolation(mine, command, input);

describe('the S3 tenant guard', () => {
  it("admits the commands the attachment modules send, on the tenant's own keys", () => {
    const key = sentObjectKey(mine, '641d731dee3408c461095a2b', '01J00000000000000000000000', '01J00000000000000000000001');
    expect(violation('HeadObjectCommand', { Bucket: bucket(), Key: key })).toBeUndefined();
    expect(violation('GetObjectCommand', { Bucket: bucket(), Key: key })).toBeUndefined();
    expect(violation('CopyObjectCommand', { Bucket: bucket(), Key: key, CopySource: encodeURI(`${bucket()}/${pendingObjectKey(mine, 'r', 'a')}`) })).toBeUndefined();
    expect(violation('DeleteObjectsCommand', { Bucket: bucket(), Delete: { Objects: [{ Key: key }] } })).toBeUndefined();
    expect(violation('ListObjectsV2Command', { Bucket: bucket(), Prefix: '1/rooms/641d731dee3408c461095a2b/' })).toBeUndefined();
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['another tenant key', 'HeadObjectCommand', { Key: '2/pending/r/a' }],
    ['a lookalike tenant prefix', 'GetObjectCommand', { Key: '12/pending/r/a' }],
    ['the bare prefix', 'GetObjectCommand', { Key: '1/' }],
    ['a key that reads as a path out of the prefix', 'GetObjectCommand', { Key: '1/../2/pending/r/a' }],
    ['a key that is not a string', 'DeleteObjectCommand', { Key: 7 }],
    ['a copy from another tenant', 'CopyObjectCommand', { Key: '1/rooms/r/m/a', CopySource: `${'BUCKET'}/2/pending/r/a` }],
    ['a copy from another bucket', 'CopyObjectCommand', { Key: '1/rooms/r/m/a', CopySource: 'elsewhere/1/pending/r/a' }],
    ['one foreign key in a batch delete', 'DeleteObjectsCommand', { Delete: { Objects: [{ Key: '1/rooms/r/m/a' }, { Key: '2/rooms/r/m/a' }] } }],
    ['an empty batch delete', 'DeleteObjectsCommand', { Delete: { Objects: [] } }],
    ['a listing of the whole bucket', 'ListObjectsV2Command', {}],
    ['a listing of another tenant', 'ListObjectsV2Command', { Prefix: '2/rooms/' }],
    ['a bucket-wide command', 'DeleteBucketCommand', {}],
  ])('refuses %s', (_label, command, input) => {
    const withBucket = { Bucket: bucket(), ...input, ...(typeof input.CopySource === 'string' && { CopySource: input.CopySource.replace('BUCKET', bucket()) }) };
    expect(violation(command, withBucket)).toEqual(expect.any(String));
    expect(objectViolation(lookalike, 'HeadObjectCommand', { Bucket: bucket(), Key: '1/pending/r/a' })).toEqual(expect.any(String));
  });

  it('refuses any other bucket', () => {
    expect(violation('HeadObjectCommand', { Bucket: 'another-bucket', Key: '1/pending/r/a' })).toMatch(/not the attachments bucket/);
  });

  it("stops a tenant's client before it signs or sends anything", async () => {
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const client = objectClient(mine);
      await expect(client.send(new HeadObjectCommand({ Bucket: bucket(), Key: '2/pending/r/a' }))).rejects.toBeInstanceOf(TenantGuardError);
      await expect(client.send(new ListObjectsV2Command({ Bucket: bucket() }))).rejects.toBeInstanceOf(TenantGuardError);
      await expect(client.send(new ListBucketsCommand({}))).rejects.toBeInstanceOf(TenantGuardError);
      await expect(
        client.send(new CopyObjectCommand({ Bucket: bucket(), Key: '1/rooms/r/m/a', CopySource: `${bucket()}/2/rooms/r/m/a` })),
      ).rejects.toBeInstanceOf(TenantGuardError);
      await expect(
        client.send(new DeleteObjectsCommand({ Bucket: bucket(), Delete: { Objects: [{ Key: '2/rooms/r/m/a' }] } })),
      ).rejects.toBeInstanceOf(TenantGuardError);
      expect(errors).toHaveBeenCalledWith('Tenant guard refused a S3 command', expect.objectContaining({ tenant: '1', command: 'HeadObject' }));
      // A form is signed without the client's middleware: its key is checked before signing.
      await expect(presignUpload(mine, '2/pending/r/a', { contentType: 'image/png', disposition: 'inline', size: 1, expiresSeconds: 300 })).rejects.toBeInstanceOf(
        TenantGuardError,
      );
    } finally {
      errors.mockRestore();
    }
  });
});

describe('Content-Disposition of a file name', () => {
  it('shows images inline and downloads anything else', () => {
    expect(contentDisposition('image/png', 'door.png')).toBe(`inline; filename="door.png"; filename*=UTF-8''door.png`);
    expect(contentDisposition('application/pdf', 'receipt.pdf')).toMatch(/^attachment; filename="receipt\.pdf"; /);
  });

  it('keeps every character of the name inside its parameters', () => {
    const header = contentDisposition('application/pdf', 'a"; filename=evil.html; x=\\%ü.pdf');
    expect(header).toBe(`attachment; filename="a__ filename=evil.html_ x=___.pdf"; filename*=UTF-8''a%22%3B%20filename%3Devil.html%3B%20x%3D%5C%25%C3%BC.pdf`);
    expect(header.split(';').filter((part) => part.includes('='))).toHaveLength(2);
    expect(header).not.toMatch(/[\r\n]/);
  });
});

describe('tenant attachment settings', () => {
  it('allow only types whose bytes can be verified: never SVG or HTML', () => {
    expect(attachmentSettings.safeParse({ content_types: ['image/svg+xml'] }).success).toBe(false);
    expect(attachmentSettings.safeParse({ content_types: ['text/html'] }).success).toBe(false);
    expect(attachmentSettings.safeParse({ content_types: [] }).success).toBe(false);
    expect(attachmentSettings.safeParse({ content_types: ['image/gif', 'application/pdf'], max_bytes: 1024 }).success).toBe(true);
    expect(attachmentSettings.safeParse({ max_bytes: 101 * 1024 * 1024 }).success).toBe(false);
    expect(DEFAULT_ATTACHMENT_TYPES).toEqual(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
  });
});

describe('the upload form', () => {
  const key = pendingObjectKey(mine, '641d731dee3408c461095a2b', '01J00000000000000000000000');
  const formFor = () => presignUpload(mine, key, { contentType: 'image/png', disposition: 'inline; filename="a.png"', size: 1000, expiresSeconds: 300 });

  it('pins the key, the content type, the disposition, the pending tag and exactly the size, for 5 minutes', async () => {
    const before = Date.now();
    const { fields } = await formFor();
    const policy = decodePolicy(fields);
    expect(Date.parse(policy.expiration) - before).toBeGreaterThan(290_000);
    expect(Date.parse(policy.expiration) - before).toBeLessThanOrEqual(301_000);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { key },
        { bucket: bucket() },
        { 'Content-Type': 'image/png' },
        { 'Content-Disposition': 'inline; filename="a.png"' },
        { tagging: '<Tagging><TagSet><Tag><Key>pending</Key><Value>true</Value></Tag></TagSet></Tagging>' },
        ['content-length-range', 1000, 1000],
      ]),
    );
  });

  it('is refused by its policy for a larger file, another key, another type, a missing tag, an extra field or after it expired', async () => {
    const { fields } = await formFor();
    const policy = decodePolicy(fields);
    expect(policyRefusal(policy, fields, 1000)).toBeUndefined();
    expect(policyRefusal(policy, fields, 1001)).toMatch(/outside 1000\.\.1000/);
    expect(policyRefusal(policy, fields, 999)).toMatch(/outside/);
    expect(policyRefusal(policy, { ...fields, key: pendingObjectKey(mine, '641d731dee3408c461095a2b', '01J00000000000000000000009') }, 1000)).toMatch(/^key/);
    expect(policyRefusal(policy, { ...fields, key: key.replace(/^1\//, '2/') }, 1000)).toMatch(/^key/);
    expect(policyRefusal(policy, { ...fields, 'Content-Type': 'text/html' }, 1000)).toMatch(/^Content-Type/);
    const { tagging: _tag, ...untagged } = fields;
    expect(policyRefusal(policy, untagged, 1000)).toMatch(/^tagging/);
    expect(policyRefusal(policy, { ...fields, acl: 'public-read' }, 1000)).toMatch(/not in the policy: acl/);
    expect(policyRefusal(policy, fields, 1000, new Date(Date.parse(policy.expiration) + 1))).toBe('policy expired');
  });
});
