/**
 * The prod template's secrets, environment and alarms, checked by package.test.ts on its one
 * package run: no secret in any environment, each function only the variables it uses, an alarm
 * for every failure a stage should hear of, throttling and outputs.
 */
import {
  actionsOf,
  allows,
  httpApiFunctions,
  ofType,
  ownStatements,
  requestFunctions,
  resourceOf,
  resourceStrings,
  statementsOf,
  type PackagedStage,
  type Resource,
  type Template,
} from './template';

/** `alarmTopic`: the topic the package was made with (ALARM_TOPIC_ARN). */
export const hygieneChecks = (packaged: PackagedStage, alarmTopic: string): void => {
  let template: Template;
  beforeAll(() => {
    ({ template } = packaged);
  });
  const resource = (id: string) => resourceOf(template, id);

  describe('secrets and environment in the prod template', () => {
    const functions = () => ofType(template, 'AWS::Lambda::Function');
    const variablesOf = (fn: { Properties: any }): Record<string, unknown> => fn.Properties.Environment?.Variables ?? {};
    const grants = (fn: Resource, action: string) => ownStatements(template, fn).filter(allows(action));

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
        const ssmActions = ownStatements(template, fn).flatMap(actionsOf).filter((action) => /^(ssm|kms|secretsmanager):/.test(action));
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
        const usesStore = ownStatements(template, fn).some((statement) => actionsOf(statement).some((action) => /^dynamodb:|^sts:AssumeRole$/.test(action)));
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
    const notifiesTopic = { 'Fn::If': ['AlarmTopicConfigured', [alarmTopic], { Ref: 'AWS::NoValue' }] };

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
      expect(template.Conditions?.AlarmTopicConfigured).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [alarmTopic, ''] }] });
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
      const sends = statementsOf(resource('CleanupRoomsIamRoleLambdaExecution')).filter(allows('sqs:SendMessage'));
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
};
