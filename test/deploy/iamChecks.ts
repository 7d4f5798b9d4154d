/**
 * The prod template's IAM, checked by package.test.ts on its one package run: one role per
 * function, no wildcards, the tenant-access role bound to the session tenant and assumed only by
 * the request functions, and who may push to sockets or hand events to the webhook delivery.
 */
import {
  actionsOf,
  allows,
  functionsWhoseRole,
  isAttachmentsArn,
  isChatTableArn,
  ofType,
  ownStatements,
  requestFunctions,
  resourceOf,
  resourceStrings,
  roleOf,
  statementsOf,
  wildcardsIn,
  type PackagedStage,
  type Template,
} from './template';

export const iamChecks = (packaged: PackagedStage): void => {
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });
  const resource = (id: string) => resourceOf(template, id);

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
        const assumes = ownStatements(template, fn).filter(allows('sts:AssumeRole'));
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
        const chatArns = ownStatements(template, fn).flatMap((statement) => resourceStrings(statement.Resource)).filter(isChatTableArn);
        expect(`${id}: ${chatArns.join(', ')}`).toBe(`${id}: `);
      }
    });

    it('keeps the cleanup on its own listed chat-table actions, no Scan of the chat table', () => {
      const statements = ownStatements(template, 'CleanupRoomsLambdaFunction');
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
      const pushing = functionsWhoseRole(template, allows('execute-api:ManageConnections'));
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
        const manage = ownStatements(template, id).find(allows('execute-api:ManageConnections'))!;
        // Push to a connection, and close one whose token expired: nothing else of the management API.
        expect(resourceStrings(manage.Resource)).toEqual(
          ['POST', 'DELETE'].map((method) => `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${WebsocketsApi}/prod/${method}/@connections/*`),
        );
      }
    });

    it('keeps the webhook functions on webhook items of the chat table, and lets only the publishers hand events to them', () => {
      for (const id of ['DeliverWebhooksLambdaFunction', 'SweepWebhooksLambdaFunction']) {
        const onChat = ownStatements(template, id).filter((statement) => resourceStrings(statement.Resource).some(isChatTableArn));
        expect(onChat.length).toBeGreaterThan(0);
        for (const statement of onChat) {
          expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*#WEBHOOK#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } });
          expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
        }
      }
      const invoking = functionsWhoseRole(template, allows('lambda:InvokeFunction'));
      expect(invoking).toEqual([
        'CloseRoomLambdaFunction',
        'DeleteMessageLambdaFunction',
        'EditMessageLambdaFunction',
        'ReassignParticipantLambdaFunction',
        'SendMessageLambdaFunction',
        'StartChatLambdaFunction',
      ]);
      for (const id of invoking) {
        const invoke = ownStatements(template, id).find(allows('lambda:InvokeFunction'))!;
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
};
