import { localS3Endpoint, localStoreEndpoint } from './local/stackRecord';
import { LOCAL_STAGE, tableNames } from './local/tables';

export interface RegistryTargetOptions {
  /** A deployed stage: its tables in AWS, with the usual AWS credentials and region. */
  stage?: string;
  region?: string;
}

/**
 * Point lib/config (read on access) at the registry an operator command acts on: a deployed
 * stage with `--stage`, else DYNAMODB_ENDPOINT, else the store of the running `npm start` (its
 * record, lib/local/stackRecord), else the default local port. Table names come
 * from serverless.yml, the single source of them. A stage's attachments bucket is CloudFormation's
 * name for it (the stack's AttachmentsBucketName output): give it as ATTACHMENTS_BUCKET.
 */
export const targetRegistry = ({ stage, region }: RegistryTargetOptions): void => {
  if (region) process.env.AWS_REGION = region;
  if (stage !== undefined) {
    if (!/^[A-Za-z0-9-]+$/.test(stage)) throw new Error(`--stage must be a stage name, got ${stage}`);
    delete process.env.DYNAMODB_ENDPOINT;
    process.env.TENANTS_TABLE = tableNames(stage).tenants;
    process.env.CHAT_TABLE = tableNames(stage).chat;
    return;
  }
  process.env.DYNAMODB_ENDPOINT = localStoreEndpoint();
  // Erasing a person deletes the files they sent, from the stack's local S3.
  process.env.AWS_ENDPOINT_URL_S3 = localS3Endpoint();
  const names = tableNames(LOCAL_STAGE);
  process.env.TENANTS_TABLE ||= names.tenants;
  process.env.CHAT_TABLE ||= names.chat;
};
