/**
 * `serverless package --stage prod` once, without AWS credentials, and what it made: the tables,
 * schedules and routes, each function's zip and the attachments bucket here; IAM in iamChecks.ts,
 * secrets, environment and alarms in hygieneChecks.ts. Packaging takes minutes, so every check
 * reads the one package this file makes (jest gives each test file its own run).
 */
import { tableDefinitions } from '../../scripts/local/tables';
import { hygieneChecks } from './hygieneChecks';
import { iamChecks } from './iamChecks';
import {
  actionsOf,
  ATTACHMENTS_SENT_OBJECTS,
  ATTACHMENTS_TENANT_OBJECTS,
  functionsWhoseRole,
  isAttachmentsArn,
  ofType,
  ownStatements,
  packageStage,
  resourceOf,
  resourceStrings,
  statementsOf,
  type PackagedFunction,
  type PackagedStage,
  type Template,
} from './template';

const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:chat-rooms-prod-alarms';
/** Filled by the one package run, before any test reads it; the check modules read it too. */
const packaged = {} as PackagedStage;
let template: Template;
let functions: PackagedFunction[];

beforeAll(async () => {
  Object.assign(packaged, await packageStage('prod', { ALARM_TOPIC_ARN: ALARM_TOPIC }));
  ({ template, functions } = packaged);
}, 300_000);

const resource = (id: string) => resourceOf(template, id);

describe('serverless package --stage prod (no AWS credentials)', () => {
  it('defines the tables with on-demand billing, point-in-time recovery and encryption', () => {
    const tables = ofType(template, 'AWS::DynamoDB::Table');
    expect(tables.map(([, table]) => table.Properties.TableName).sort()).toEqual(['chat-rooms-prod-chat', 'chat-rooms-prod-tenants']);
    for (const [, table] of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('enables TTL on its own attribute, never the rooms\' expires_at, and tells the functions its name', () => {
    const ttl = resource('ChatTable').Properties.TimeToLiveSpecification;
    expect(ttl).toEqual({ AttributeName: 'purge_at', Enabled: true });
    const functions = ofType(template, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Environment?.Variables?.CHAT_TABLE);
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) expect(fn.Properties.Environment.Variables.TTL_ATTRIBUTE).toBe(ttl.AttributeName);
  });

  it('creates local tables identical in keys and indexes to the deployed ones', () => {
    const local = tableDefinitions('prod');
    for (const definition of local) {
      const [, deployed] = ofType(template, 'AWS::DynamoDB::Table').find(([, table]) => table.Properties.TableName === definition.TableName)!;
      expect(definition.KeySchema).toEqual(deployed.Properties.KeySchema);
      expect(definition.AttributeDefinitions).toEqual(deployed.Properties.AttributeDefinitions);
      expect(definition.GlobalSecondaryIndexes ?? []).toEqual(deployed.Properties.GlobalSecondaryIndexes ?? []);
    }
  });

  it('schedules the cleanup hourly and the webhook sweep every minute, enabled', () => {
    const rules = ofType(template, 'AWS::Events::Rule').map(([, rule]) => rule.Properties);
    const target = (id: string) => [expect.objectContaining({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })];
    expect(rules).toEqual([
      expect.objectContaining({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED', Targets: target('CleanupRoomsLambdaFunction') }),
      expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', Targets: target('SweepWebhooksLambdaFunction') }),
    ]);
  });

  it('routes POST /api/v1/chat/startChat on the HTTP API and retains logs', () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routes).toContain('POST /api/v1/chat/startChat');
    for (const [, group] of ofType(template, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(90);
  });
});

describe('function artifacts in the prod package', () => {
  it('ships each function in its own zip holding only its own bundle (and the S3 SDK it loads on first use), without source maps', () => {
    expect(functions.length).toBe(ofType(template, 'AWS::Lambda::Function').length);
    expect(new Set(functions.map((fn) => fn.zip)).size).toBe(functions.length);
    // The functions that may meet a file but mostly do not: their handler requires the S3 SDK's own
    // file when S3 is first used (scripts/build/esbuildPlugins.cjs); no other function carries it.
    const s3OnFirstUse = ['sendMessage', 'listMessages', 'editMessage', 'deleteMessage', 'erasePersonData', 'cleanupRooms'];
    for (const fn of functions) {
      const handlerFile = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
      const files = s3OnFirstUse.includes(fn.name) ? [handlerFile, handlerFile.replace(/\.js$/, '.s3-sdk.js')] : [handlerFile];
      expect(fn.entries.map((entry) => entry.name).sort()).toEqual(files.sort());
      for (const entry of fn.entries) expect(entry.data.toString('utf8')).not.toMatch(/\/\/# sourceMappingURL=/);
      const code = fn.entries.find((entry) => entry.name === handlerFile)!.data.toString('utf8');
      // Handlers load zod/mini (lib/zod.ts): classic zod, and with `import { z }` its translated
      // messages (here German), would double what a cold start spends loading code.
      expect(code).not.toContain('"ZodString"');
      expect(code).not.toContain('zu haben');
    }
  });

  it('sets no NODE_OPTIONS that would parse source maps at start', () => {
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.Environment?.Variables?.NODE_OPTIONS ?? '').not.toMatch(/source-maps/);
    }
  });
});

describe('the attachments bucket in the prod template', () => {
  const bucket = () => resource('AttachmentsBucket');

  it('is private, encrypted, owner-enforced, TLS-only and kept when the stack goes', () => {
    // Beside the framework's own deployment bucket.
    expect(ofType(template, 'AWS::S3::Bucket').map(([id]) => id).filter((id) => id !== 'ServerlessDeploymentBucket')).toEqual(['AttachmentsBucket']);
    expect(bucket().DeletionPolicy).toBe('Retain');
    const properties = bucket().Properties;
    expect(properties.BucketName).toBeUndefined();
    expect(properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    const policy = resource('AttachmentsBucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ Ref: 'AttachmentsBucket' });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('deletes an upload still tagged pending a day after it came (never sent), and stalled multipart uploads', () => {
    expect(bucket().Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'delete-unsent-uploads', Status: 'Enabled', TagFilters: [{ Key: 'pending', Value: 'true' }], ExpirationInDays: 1 },
      { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  it('answers browsers only from the upload origins a stage configures (none by default)', () => {
    const cors = bucket().Properties.CorsConfiguration;
    expect(cors['Fn::If'][0]).toBe('AttachmentUploadOriginsConfigured');
    expect(cors['Fn::If'][1]).toEqual({ CorsRules: [{ AllowedOrigins: [], AllowedMethods: ['POST', 'GET'], AllowedHeaders: ['*'], MaxAge: 300 }] });
    expect(cors['Fn::If'][2]).toEqual({ Ref: 'AWS::NoValue' });
    expect(template.Conditions?.AttachmentUploadOriginsConfigured).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': [',', []] }, ''] }] });
  });

  it("lets the tenant-access role reach only the session tenant's objects, and the cleanup only delete sent files", () => {
    const onBucket = statementsOf(resource('TenantAccessRole')).filter((statement) => resourceStrings(statement.Resource).some(isAttachmentsArn));
    expect(onBucket).toHaveLength(1);
    expect(resourceStrings(onBucket[0]!.Resource)).toEqual([ATTACHMENTS_TENANT_OBJECTS]);
    expect(actionsOf(onBucket[0]!).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject', 's3:PutObjectTagging']);
    expect(onBucket[0]!.Condition).toEqual({ Null: { 'aws:PrincipalTag/tenant': 'false' } });

    const cleanup = ownStatements(template, 'CleanupRoomsLambdaFunction').filter((statement) =>
      resourceStrings(statement.Resource).some(isAttachmentsArn),
    );
    expect(cleanup.map((statement) => [actionsOf(statement), resourceStrings(statement.Resource), statement.Condition])).toEqual([
      [['s3:DeleteObject'], [ATTACHMENTS_SENT_OBJECTS], undefined],
      [['s3:ListBucket'], ['AttachmentsBucket.Arn'], { StringLike: { 's3:prefix': '*/rooms/*' } }],
    ]);

    // No other function's own role touches the bucket: requests reach it as their tenant only.
    const touching = functionsWhoseRole(template, (statement) => resourceStrings(statement.Resource).some(isAttachmentsArn));
    expect(touching).toEqual(['CleanupRoomsLambdaFunction']);
  });

  it('names the bucket to the functions that sign, check, copy, list or delete attachments, and to no other', () => {
    const told = ofType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.ATTACHMENTS_BUCKET)
      .map(([id, fn]) => {
        expect(fn.Properties.Environment.Variables.ATTACHMENTS_BUCKET).toEqual({ Ref: 'AttachmentsBucket' });
        expect(fn.Properties.Environment.Variables.AWS_ENDPOINT_URL_S3).toBe('');
        return id;
      });
    expect(told).toEqual(
      expect.arrayContaining(['CleanupRoomsLambdaFunction', 'ListMessagesLambdaFunction', 'RequestAttachmentUploadLambdaFunction', 'SendMessageLambdaFunction']),
    );
    for (const id of told) {
      if (id !== 'CleanupRoomsLambdaFunction') expect(resource(id).Properties.Environment.Variables.TENANT_ACCESS_ROLE_ARN).toBeDefined();
    }
  });
});

iamChecks(packaged);
hygieneChecks(packaged, ALARM_TOPIC);
