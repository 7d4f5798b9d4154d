/** Files and uploads for the attachment tests (not a test file itself). */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { config } from '../../lib/config';
import { objectClient, type UploadForm } from '../../lib/store/attachmentObjects';

/** A real 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A minimal PDF: its signature and a trailer, enough for a content detector. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
/** Script that a browser would run if it were served as HTML. */
export const HTML = Buffer.from('<!doctype html><html><body><script>fetch("/steal?c="+document.cookie)</script></body></html>');
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>');

/**
 * POST a file through an upload form, as a browser or an app does: every field as given (with
 * `overrides` changing or adding some), the file last. The local S3 stores whatever comes, like
 * S3 would for a form its policy admits.
 */
export const postForm = async (form: UploadForm, file: Buffer, overrides: Record<string, string> = {}): Promise<number> => {
  const body = new FormData();
  for (const [name, value] of Object.entries({ ...form.fields, ...overrides })) body.append(name, value);
  body.append('file', new Blob([file]), 'upload');
  const response = await fetch(form.url, { method: 'POST', body });
  await response.arrayBuffer();
  return response.status;
};

/** Every object key under a prefix of the local attachments bucket. */
export const objectKeys = async (prefix: string): Promise<string[]> => {
  const clientId = prefix.split('/')[0]!;
  const listed = await objectClient({ clientId }).send(new ListObjectsV2Command({ Bucket: config.attachmentsBucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
};

/** GET a download URL: its status, the headers that matter and the bytes. */
export const download = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
};
