import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { claimDirectory } from './dynalite';

export interface LocalS3Options {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Keep the objects in this directory; a fresh temporary one, deleted at stop, when omitted. */
  path?: string;
  /** The bucket to create (the local stage's attachments bucket). */
  bucket: string;
  /** Browser origins that may upload to it and read from it (the local stack's own pages). */
  origins?: string[];
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL_S3 names for the functions. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The local stage's attachments bucket (serverless.yml params.local.attachmentsBucket; lib/config.ts's default). */
export const LOCAL_ATTACHMENTS_BUCKET = 'chat-rooms-local-attachments';

// Loopback only: the local S3 checks no POST policy and no V4 signature, so it must never face the network.
const HOST = '127.0.0.1';

const corsOf = (origins: string[]): string =>
  `<CORSConfiguration>${origins
    .map(
      (origin) =>
        `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>300</MaxAgeSeconds></CORSRule>`,
    )
    .join('')}</CORSConfiguration>`;

/**
 * A local S3 (s3rver, pure JavaScript) with the attachments bucket, resolved once it listens.
 * It stores what a form posts without checking the form's policy: the send's own checks refuse
 * what S3's policy would have (lib/attachments/sendAttachments.ts), and tests hold both to it.
 */
export const startLocalS3 = async ({ port = 0, path: dir, bucket, origins = [] }: LocalS3Options): Promise<LocalS3> => {
  let release = async (): Promise<void> => {};
  let directory = dir;
  if (directory) {
    await mkdir(directory, { recursive: true });
    release = await claimDirectory(directory);
  } else {
    directory = await mkdtemp(path.join(tmpdir(), 'chat-rooms-s3-'));
    const temporary = directory;
    release = () => rm(temporary, { recursive: true, force: true });
  }
  const server = new S3rver({
    address: HOST,
    port,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, ...(origins.length > 0 && { configs: [corsOf(origins)] }) }],
  });
  let bound: number;
  try {
    ({ port: bound } = await server.run());
  } catch (error) {
    await release();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${HOST}:${bound}`,
    port: bound,
    stop: () =>
      (stopping ??= (async () => {
        // Clients keep sockets alive; without this close() would wait for them to time out.
        server.httpServer?.closeAllConnections();
        await server.close();
      })().finally(release)),
  };
};
