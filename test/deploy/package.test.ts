import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tableDefinitions } from '../../scripts/local/tables';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** The environment without any AWS credentials or profile: packaging must not need an account. */
const credentialFree = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_') && name !== 'DYNAMODB_ENDPOINT') env[name] = value;
  }
  return { ...env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' };
};

type Resource = { Type: string; Properties: any };
let resources: Record<string, Resource>;
const outDir = mkdtempSync(path.join(tmpdir(), 'chat-rooms-package-'));

beforeAll(async () => {
  // Its own bundle folder, so packaging never deletes the build of a running `npm start`.
  const workFolder = path.join('.esbuild', `package-${process.pid}`);
  await run(path.join(ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', 'prod', '--package', outDir], {
    cwd: ROOT,
    env: { ...credentialFree(), ESBUILD_WORK_FOLDER: workFolder },
    timeout: 120_000,
  });
  rmSync(path.join(ROOT, workFolder), { recursive: true, force: true });
  const template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 150_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('serverless package --stage prod (no AWS credentials)', () => {
  it('defines the tables with on-demand billing, point-in-time recovery and encryption', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([, table]) => table.Properties.TableName).sort()).toEqual(['chat-rooms-prod-chat', 'chat-rooms-prod-tenants']);
    for (const [, table] of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('enables TTL on the expiry attribute of the chat table as a backstop', () => {
    const chat = resources.ChatTable!;
    expect(chat.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
  });

  it('creates local tables identical in keys and indexes to the deployed ones', () => {
    const local = tableDefinitions('prod');
    for (const definition of local) {
      const [, deployed] = ofType('AWS::DynamoDB::Table').find(([, table]) => table.Properties.TableName === definition.TableName)!;
      expect(definition.KeySchema).toEqual(deployed.Properties.KeySchema);
      expect(definition.AttributeDefinitions).toEqual(deployed.Properties.AttributeDefinitions);
      expect(definition.GlobalSecondaryIndexes ?? []).toEqual(deployed.Properties.GlobalSecondaryIndexes ?? []);
    }
  });

  it('gives every function its own role with scoped DynamoDB permissions', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(1);
    const roles = new Set<string>();
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const roleName = fn.Properties.Role['Fn::GetAtt'][0];
      expect(roles.has(roleName)).toBe(false);
      roles.add(roleName);
      const statements = resources[roleName]!.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
      for (const statement of statements) {
        expect(statement.Resource).not.toContain('*');
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
      }
    }
  });

  it('schedules the cleanup hourly, enabled', () => {
    const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    expect(rules).toEqual([expect.objectContaining({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' })]);
  });

  it('routes POST /api/v1/chat/startChat on the HTTP API and retains logs', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routes).toContain('POST /api/v1/chat/startChat');
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(90);
  });
});
