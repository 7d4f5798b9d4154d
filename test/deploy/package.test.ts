import { tableDefinitions } from '../../scripts/local/tables';
import {
  actionsOf,
  httpApiFunctions,
  ATTACHMENTS_SENT_OBJECTS,
  ATTACHMENTS_TENANT_OBJECTS,
  isAttachmentsArn,
  isChatTableArn,
  ofType,
  packageStage,
  type PackagedFunction,
  requestFunctions,
  resourceStrings,
  roleOf,
  statementsOf,
  type Resource,
  type Template,
  wildcardsIn,
} from './template';

let template: Template;
let functions: PackagedFunction[];
const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:chat-rooms-prod-alarms';

beforeAll(async () => {
  ({ template, functions } = await packageStage('prod', { ALARM_TOPIC_ARN: ALARM_TOPIC }));
}, 300_000);

const resource = (id: string) => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
};

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
  it('ships each function in its own zip holding only its own bundle, without source maps', () => {
    expect(functions.length).toBe(ofType(template, 'AWS::Lambda::Function').length);
    expect(new Set(functions.map((fn) => fn.zip)).size).toBe(functions.length);
    for (const fn of functions) {
      const handlerFile = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
      expect(fn.entries.map((entry) => entry.name)).toEqual([handlerFile]);
      const code = fn.entries[0]!.data.toString('utf8');
      expect(code).not.toMatch(/\/\/# sourceMappingURL=/);
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

describe('IAM in the prod template', () => {
  const TENANT_LEADING_KEYS = 'T#${!aws:PrincipalTag/tenant}#*';

  it('gives every function its own role, declared with iamRoleStatements', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(8);
    const roles = functions.map(([, fn]) => roleOf(fn));
    expect(new Set(roles).size).toBe(functions.length);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(roleOf(fn)).toBe(id.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'));
    }
  });

  it('grants no wildcard action and no wildcard table, index, role or log group in any role', () => {
    const roles = ofType(template, 'AWS::IAM::Role');
    expect(roles.map(([id]) => id)).toContain('TenantAccessRole');
    for (const [id, role] of roles) expect(`${id}: ${wildcardsIn(role).join(', ')}`).toBe(`${id}: `);
  });

  it('the wildcard check sees `*` inside an ARN, as a whole Resource and in an action', () => {
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: [{ 'Fn::Sub': '${ChatTable.Arn}/index/*' }, 'arn:aws:dynamodb:us-east-1:1:table/*'] },
                { Effect: 'Allow', Action: ['dynamodb:*'], Resource: '*' },
                { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: { 'Fn::Sub': 'arn:aws:logs:r:a:log-group:/aws/lambda/chat-rooms-prod*:*' } },
              ],
            },
          },
        ],
      },
    };
    expect(wildcardsIn(role)).toEqual([
      '${ChatTable.Arn}/index/*',
      'arn:aws:dynamodb:us-east-1:1:table/*',
      'dynamodb:*',
      '*',
      'arn:aws:logs:r:a:log-group:/aws/lambda/chat-rooms-prod*:*',
    ]);
  });

  it('binds every chat-table statement of the tenant-access role to the session tenant', () => {
    const statements = statementsOf(resource('TenantAccessRole'));
    const onChat = statements.filter((statement) => resourceStrings(statement.Resource).some(isChatTableArn));
    const onBucket = statements.filter((statement) => resourceStrings(statement.Resource).some(isAttachmentsArn));
    expect(onChat.length + onBucket.length).toBe(statements.length);
    for (const statement of onChat) {
      expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual([{ 'Fn::Sub': TENANT_LEADING_KEYS }]);
      expect(statement.Condition?.['Null']).toEqual({ 'aws:PrincipalTag/tenant': 'false', 'dynamodb:LeadingKeys': 'false' });
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
    }
  });

  it('lets only the request functions assume the tenant-access role, with a tenant session tag', () => {
    const role = resource('TenantAccessRole');
    const [trust, ...others] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(trust.Action).toEqual(expect.arrayContaining(['sts:AssumeRole', 'sts:TagSession']));
    expect(trust.Condition).toEqual({ Null: { 'aws:RequestTag/tenant': 'false' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] } });
    const trusted: string[] = [trust.Principal.AWS].flat().flatMap((principal: unknown) => resourceStrings(principal)).sort();
    const assuming = ofType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.Environment?.Variables?.TENANT_ACCESS_ROLE_ARN)
      .map(([, fn]) => `${roleOf(fn)}.Arn`)
      .sort();
    expect(trusted).toEqual(assuming);
    const requestRoles = requestFunctions(template).map(([, fn]) => `${roleOf(fn)}.Arn`);
    expect(requestRoles.length).toBeGreaterThanOrEqual(7);
    expect(trusted.filter((principal) => !requestRoles.includes(principal))).toEqual([]);
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      const assumes = statementsOf(resource(roleOf(fn))).filter((statement) => actionsOf(statement).includes('sts:AssumeRole'));
      if (!trusted.includes(`${roleOf(fn)}.Arn`)) {
        expect(assumes).toEqual([]);
        continue;
      }
      expect(fn.Properties.Environment.Variables.TENANT_ACCESS_ROLE_ARN).toEqual({ 'Fn::GetAtt': ['TenantAccessRole', 'Arn'] });
      expect(assumes).toHaveLength(1);
      expect(actionsOf(assumes[0]!).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
      expect(resourceStrings(assumes[0]!.Resource)).toEqual([
        `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${role.Properties.RoleName}`,
      ]);
    }
  });

  it("leaves request functions' own roles without access to the chat table", () => {
    const functions = requestFunctions(template);
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const [id, fn] of functions) {
      const chatArns = statementsOf(resource(roleOf(fn))).flatMap((statement) => resourceStrings(statement.Resource)).filter(isChatTableArn);
      expect(`${id}: ${chatArns.join(', ')}`).toBe(`${id}: `);
    }
  });

  it('keeps the cleanup on its own listed chat-table actions, no Scan of the chat table', () => {
    const statements = statementsOf(resource(roleOf(resource('CleanupRoomsLambdaFunction'))));
    const onChat = statements.filter((statement) => resourceStrings(statement.Resource).some(isChatTableArn));
    expect(onChat.flatMap(actionsOf).sort()).toEqual(
      ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Query'].sort(),
    );
  });

  it('serves the WebSocket API: $connect behind the token authorizer; only publishers push, to their own API', () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
    expect(routes.find((route) => route.RouteKey === '$connect')).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: expect.anything() });
    expect(routes.map((route) => route.RouteKey)).toEqual(expect.arrayContaining(['$connect', '$disconnect', '$default']));
    const [[, authorizer]] = ofType(template, 'AWS::ApiGatewayV2::Authorizer') as [[string, any]];
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'REQUEST', IdentitySource: [] });
    const pushing = ofType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => statementsOf(resource(roleOf(fn))).some((statement) => actionsOf(statement).includes('execute-api:ManageConnections')))
      .map(([id]) => id)
      .sort();
    expect(pushing).toEqual([
      'CloseRoomLambdaFunction',
      'DeleteMessageLambdaFunction',
      'EditMessageLambdaFunction',
      'MarkRoomReadLambdaFunction',
      'ReassignParticipantLambdaFunction',
      'SendMessageLambdaFunction',
      'StartChatLambdaFunction',
    ]);
    for (const id of pushing) {
      expect(JSON.stringify(resource(id).Properties.Environment.Variables.WEBSOCKET_ENDPOINT)).toContain('WebsocketsApi');
      const manage = statementsOf(resource(roleOf(resource(id)))).find((statement) => actionsOf(statement).includes('execute-api:ManageConnections'))!;
      // Push to a connection, and close one whose token expired: nothing else of the management API.
      expect(resourceStrings(manage.Resource)).toEqual(
        ['POST', 'DELETE'].map((method) => `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebsocketsApi}/prod/${method}/@connections/*`),
      );
    }
  });

  it('keeps the webhook functions on webhook items of the chat table, and lets only the publishers hand events to them', () => {
    for (const id of ['DeliverWebhooksLambdaFunction', 'SweepWebhooksLambdaFunction']) {
      const onChat = statementsOf(resource(roleOf(resource(id)))).filter((statement) => resourceStrings(statement.Resource).some(isChatTableArn));
      expect(onChat.length).toBeGreaterThan(0);
      for (const statement of onChat) {
        expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*#WEBHOOK#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } });
        expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      }
    }
    const invoking = ofType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => statementsOf(resource(roleOf(fn))).some((statement) => actionsOf(statement).includes('lambda:InvokeFunction')))
      .map(([id]) => id)
      .sort();
    expect(invoking).toEqual([
      'CloseRoomLambdaFunction',
      'DeleteMessageLambdaFunction',
      'EditMessageLambdaFunction',
      'ReassignParticipantLambdaFunction',
      'SendMessageLambdaFunction',
      'StartChatLambdaFunction',
    ]);
    for (const id of invoking) {
      const invoke = statementsOf(resource(roleOf(resource(id)))).find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'))!;
      expect(invoke.Resource).toEqual({ 'Fn::GetAtt': ['DeliverWebhooksLambdaFunction', 'Arn'] });
      expect(resource(id).Properties.Environment.Variables.WEBHOOK_FUNCTION_NAME).toBe('chat-rooms-prod-deliverWebhooks');
    }
    const [, invokeConfig] = ofType(template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => c.Properties.FunctionName.Ref === 'DeliverWebhooksLambdaFunction')!;
    expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['WebhookFailureQueue', 'Arn'] } } } });
  });

  it('deploys no playground: its function and routes exist on the local stage only', () => {
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => String(route.Properties.RouteKey));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => route.includes('/playground'))).toEqual([]);
    const functionNames = ofType(template, 'AWS::Lambda::Function').map(([, fn]) => String(fn.Properties.FunctionName));
    expect(functionNames).toContain('chat-rooms-prod-startChat');
    expect(functionNames.filter((name) => /playground/i.test(name))).toEqual([]);
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

    const cleanup = statementsOf(resource(roleOf(resource('CleanupRoomsLambdaFunction')))).filter((statement) =>
      resourceStrings(statement.Resource).some(isAttachmentsArn),
    );
    expect(cleanup.map((statement) => [actionsOf(statement), resourceStrings(statement.Resource), statement.Condition])).toEqual([
      [['s3:DeleteObject'], [ATTACHMENTS_SENT_OBJECTS], undefined],
      [['s3:ListBucket'], ['AttachmentsBucket.Arn'], { StringLike: { 's3:prefix': '*/rooms/*' } }],
    ]);

    // No other function's own role touches the bucket: requests reach it as their tenant only.
    const touching = ofType(template, 'AWS::Lambda::Function')
      .filter(([, fn]) => statementsOf(resource(roleOf(fn))).some((statement) => resourceStrings(statement.Resource).some(isAttachmentsArn)))
      .map(([id]) => id);
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

describe('secrets and environment in the prod template', () => {
  const functions = () => ofType(template, 'AWS::Lambda::Function');
  const variablesOf = (fn: { Properties: any }): Record<string, unknown> => fn.Properties.Environment?.Variables ?? {};
  const grants = (fn: Resource, action: string) =>
    statementsOf(resource(roleOf(fn))).filter((statement) => actionsOf(statement).includes(action));

  it('holds no secret value in any function environment: only the cursor key parameter name', () => {
    for (const [id, fn] of functions()) {
      const variables = variablesOf(fn);
      expect(`${id}: ${Object.keys(variables).filter((name) => /SECRET|KEY|PASSWORD|TOKEN/.test(name) && name !== 'CURSOR_SECRET_PARAMETER')}`).toBe(`${id}: `);
      for (const value of Object.values(variables)) expect(JSON.stringify(value)).not.toMatch(/local-dev|secret-never|[A-Za-z0-9+/_-]{40,}/);
      if ('CURSOR_SECRET_PARAMETER' in variables) expect(variables.CURSOR_SECRET_PARAMETER).toBe('/chat-rooms/prod/cursor-secret');
    }
  });

  it('lets only the paging functions read that one parameter and decrypt only its value', () => {
    const parameterArn = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/chat-rooms/prod/cursor-secret';
    const paging = functions().filter(([, fn]) => 'CURSOR_SECRET_PARAMETER' in variablesOf(fn)).map(([id]) => id).sort();
    expect(paging).toEqual(expect.arrayContaining(['FetchRoomByUserAgentLambdaFunction', 'ListMessagesLambdaFunction', 'ListRoomsLambdaFunction']));
    for (const [id, fn] of functions()) {
      const reads = grants(fn, 'ssm:GetParameters');
      const decrypts = grants(fn, 'kms:Decrypt');
      const ssmActions = statementsOf(resource(roleOf(fn))).flatMap(actionsOf).filter((action) => /^(ssm|kms|secretsmanager):/.test(action));
      if (!paging.includes(id)) {
        expect(`${id}: ${ssmActions}`).toBe(`${id}: `);
        continue;
      }
      expect(ssmActions.sort()).toEqual(['kms:Decrypt', 'ssm:GetParameters']);
      expect(reads.flatMap((statement) => resourceStrings(statement.Resource))).toEqual([parameterArn]);
      expect(decrypts).toHaveLength(1);
      expect(decrypts[0]!.Condition).toEqual({
        StringEquals: {
          'kms:EncryptionContext:PARAMETER_ARN': { 'Fn::Sub': parameterArn },
          'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
        },
      });
    }
  });

  it('gives each function only the variables it uses', () => {
    const LOGGING = ['LOG_LEVEL', 'METRICS_DISABLED', 'SERVICE_NAME'];
    for (const [id, fn] of functions()) {
      const names = Object.keys(variablesOf(fn));
      expect(names).toEqual(expect.arrayContaining(LOGGING));
      // Only functions allowed into DynamoDB learn its tables.
      const usesStore = statementsOf(resource(roleOf(fn))).some((statement) => actionsOf(statement).some((action) => /^dynamodb:|^sts:AssumeRole$/.test(action)));
      expect(`${id}: ${names.some((name) => /^(CHAT_TABLE|TENANTS_TABLE|DYNAMODB_ENDPOINT)$/.test(name))}`).toBe(`${id}: ${usesStore}`);
      if (!requestFunctions(template).some(([requestId]) => requestId === id)) {
        expect(`${id}: ${names.filter((name) => /^TENANT_|^CURSOR_/.test(name))}`).toBe(`${id}: `);
      }
    }
    // The document's server: the stage's own API endpoint, never a request's Host.
    expect(Object.keys(variablesOf(resource('OpenApiLambdaFunction'))).sort()).toEqual([...LOGGING, 'PUBLIC_API_URL'].sort());
    expect(variablesOf(resource('OpenApiLambdaFunction')).PUBLIC_API_URL).toEqual({ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] });
    expect(Object.keys(variablesOf(resource('StartChatLambdaFunction')))).not.toContain('CURSOR_SECRET_PARAMETER');
  });
});

describe('deploy hygiene in the prod template', () => {
  const alarms = () => Object.fromEntries(ofType(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => [id, alarm.Properties]));
  const notifiesTopic = { 'Fn::If': ['AlarmTopicConfigured', [ALARM_TOPIC], { Ref: 'AWS::NoValue' }] };

  it('alarms on 5xx and undelivered events per HTTP function, errors of WebSocket functions and throttles per function, to the stage topic', () => {
    const all = alarms();
    const http = httpApiFunctions(template);
    expect(http.length).toBeGreaterThanOrEqual(7);
    for (const [id, fn] of http) {
      const fiveXx = all[id.replace(/LambdaFunction$/, 'Http5xxAlarm')];
      expect(fiveXx).toEqual(
        expect.objectContaining({
          Namespace: 'ChatRooms',
          MetricName: 'Http5xx',
          Dimensions: [
            { Name: 'service', Value: 'chat-rooms' },
            { Name: 'function_name', Value: fn.Properties.FunctionName },
          ],
          AlarmActions: notifiesTopic,
        }),
      );
      expect(all[id.replace(/LambdaFunction$/, 'EventsUndeliveredAlarm')]).toEqual(
        expect.objectContaining({ Namespace: 'ChatRooms', MetricName: 'EventsUndelivered', Threshold: 1, AlarmActions: notifiesTopic }),
      );
    }
    for (const [id] of ofType(template, 'AWS::Lambda::Function')) {
      expect(all[id.replace(/LambdaFunction$/, 'ThrottlesAlarm')]).toEqual(
        expect.objectContaining({ Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }] }),
      );
    }
    const others = requestFunctions(template).filter(([id]) => !http.some(([httpId]) => httpId === id));
    for (const [id] of others) {
      expect(all[id.replace(/LambdaFunction$/, 'ErrorsAlarm')]).toEqual(expect.objectContaining({ MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }] }));
    }
    expect(template.Conditions?.AlarmTopicConfigured).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ALARM_TOPIC, ''] }] });
  });

  it("alarms on the cleanup pass's failed tenants, repeated incomplete passes and failed invocations", () => {
    const all = alarms();
    const cleanupName = resource('CleanupRoomsLambdaFunction').Properties.FunctionName;
    const dimensions = [
      { Name: 'service', Value: 'chat-rooms' },
      { Name: 'function_name', Value: cleanupName },
    ];
    expect(all.CleanupFailedTenantsAlarm).toEqual(expect.objectContaining({ MetricName: 'FailedTenants', Dimensions: dimensions, Threshold: 1 }));
    expect(all.CleanupPassIncompleteAlarm).toEqual(expect.objectContaining({ MetricName: 'PassIncomplete', Dimensions: dimensions, EvaluationPeriods: 3 }));
    expect(all.CleanupFailuresAlarm).toEqual(
      expect.objectContaining({ Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['CleanupFailureQueue', 'QueueName'] } }] }),
    );
    for (const alarm of Object.values(all)) expect(alarm.AlarmActions).toEqual(notifiesTopic);
  });

  it("sends the scheduled cleanup's failed invocations to an SQS queue it may write to", () => {
    const [, config] = ofType(template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => c.Properties.FunctionName.Ref === 'CleanupRoomsLambdaFunction')!;
    expect(config.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': ['CleanupFailureQueue', 'Arn'] } } });
    expect(resource('CleanupFailureQueue').Type).toBe('AWS::SQS::Queue');
    const sends = statementsOf(resource('CleanupRoomsIamRoleLambdaExecution')).filter((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    expect(sends.map((statement) => resourceStrings(statement.Resource))).toEqual([['CleanupFailureQueue.Arn']]);
  });

  it('throttles the HTTP API stage and allows no CORS origin in prod', () => {
    expect(resource('HttpApiStage').Properties.DefaultRouteSettings).toEqual(
      expect.objectContaining({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
    );
    expect(resource('HttpApi').Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs the tenant-access role, the failure queue and the cursor key parameter', () => {
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['TenantAccessRoleArn', 'CleanupFailureQueueUrl', 'CursorSecretParameter']));
  });
});
