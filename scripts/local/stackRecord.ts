import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from './processGroup';
import { REPO_ROOT } from './serverlessConfig';

/**
 * Where a running `npm start` serves, recorded in `.data/stack.json` so the token, tenant, privacy,
 * cleanup and document tools find it whatever ports it was given. Flags and environment variables
 * still take precedence; a record whose process is gone is ignored.
 */
export interface StackRecord {
  pid: number;
  apiUrl: string;
  wsUrl: string;
  lambdaUrl: string;
  dynamodbEndpoint: string;
  /** The local S3 (attachments); absent in a record written before it was part of the stack. */
  s3Endpoint?: string;
}

/** LOCAL_STACK_RECORD names another file, for a second stack (or a test) beside the default one. */
export const stackRecordFile = (): string => process.env.LOCAL_STACK_RECORD || path.join(REPO_ROOT, '.data', 'stack.json');

/** Record this process' stack; returns what removes the record again (only while it is still this one's). */
export const recordStack = async (record: Omit<StackRecord, 'pid'>, file = stackRecordFile()): Promise<() => Promise<void>> => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ pid: process.pid, ...record }, null, 2)}\n`);
  return async () => {
    const current = await readFile(file, 'utf8').catch(() => '');
    if (current && (JSON.parse(current) as StackRecord).pid === process.pid) await rm(file, { force: true });
  };
};

/** The stack `npm start` is running now, if any. */
export const runningStack = (file = stackRecordFile()): StackRecord | undefined => {
  let record: StackRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
  return Number.isInteger(record.pid) && isAlive(record.pid) ? record : undefined;
};

/** The local S3 the tools act on: AWS_ENDPOINT_URL_S3, else the running stack's, else the default port's. */
export const localS3Endpoint = (file = stackRecordFile()): string =>
  process.env.AWS_ENDPOINT_URL_S3 || runningStack(file)?.s3Endpoint || `http://127.0.0.1:${process.env.LOCAL_S3_PORT || '4569'}`;

/** The local store the tools act on: DYNAMODB_ENDPOINT, else the running stack's, else the default port's. */
export const localStoreEndpoint = (file = stackRecordFile()): string =>
  process.env.DYNAMODB_ENDPOINT || runningStack(file)?.dynamodbEndpoint || `http://127.0.0.1:${process.env.LOCAL_DYNAMODB_PORT || '8000'}`;
