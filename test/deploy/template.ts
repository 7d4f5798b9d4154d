import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionArtifacts, packageService, readZip, type FunctionArtifact, type ZipEntry } from '../../scripts/package/artifacts';

export interface Resource {
  Type: string;
  Properties: any;
  DependsOn?: string[];
  DeletionPolicy?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs: Record<string, any>;
  Conditions?: Record<string, any>;
}

/** A function's packaged zip, read into memory. */
export type PackagedFunction = FunctionArtifact & { entries: ZipEntry[] };

/** What `serverless package` made of a stage: its CloudFormation and each function's zip. */
export interface PackagedStage {
  template: Template;
  functions: PackagedFunction[];
}

/**
 * `serverless package --stage <stage>` into a temporary folder (`env` on top of a credential-free
 * environment): the CloudFormation and each function's zip.
 */
export const packageStage = async (
  stage = 'prod',
  env: NodeJS.ProcessEnv = {},
): Promise<PackagedStage> => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'chat-rooms-package-'));
  try {
    await packageService({ stage, outDir, env });
    const template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
    const functions = functionArtifacts(outDir).map((artifact) => ({ ...artifact, entries: readZip(artifact.zip) }));
    return { template, functions };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};

/** A resource by its logical id; a test that names a missing one fails saying so. */
export const resourceOf = (template: Template, id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
};

export const ofType = (template: Template, type: string): Array<[string, Resource]> =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const statementsOf = (role: Resource): Statement[] =>
  (role.Properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement as Statement[]);

export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();

/**
 * Each ARN of a statement as one string, intrinsic functions spelled out (`Fn::GetAtt` as
 * `ChatTable.Arn`, `Fn::Sub` as its template), so a wildcard anywhere in an ARN is visible.
 */
export const resourceStrings = (resource: unknown): string[] => {
  if (typeof resource === 'string') return [resource];
  if (Array.isArray(resource)) return resource.flatMap(resourceStrings);
  if (resource && typeof resource === 'object') {
    const [fn, argument] = Object.entries(resource)[0] ?? [];
    if (fn === 'Fn::GetAtt') return [(argument as string[]).join('.')];
    if (fn === 'Fn::Sub') return [[argument].flat()[0] as string];
    if (fn === 'Ref') return [`Ref:${argument as string}`];
    if (fn === 'Fn::Join') return [(argument as [string, unknown[]])[1].map((part) => resourceStrings(part).join('')).join((argument as [string])[0])];
  }
  throw new Error(`unexpected resource ${JSON.stringify(resource)}`);
};

/** The logical id of a function's role. */
export const roleOf = (fn: Resource): string => fn.Properties.Role['Fn::GetAtt'][0];

/** The statements of a function's own role (the function by logical id, or its resource). */
export const ownStatements = (template: Template, fn: string | Resource): Statement[] =>
  statementsOf(resourceOf(template, roleOf(typeof fn === 'string' ? resourceOf(template, fn) : fn)));

/** Whether a statement allows `action`. */
export const allows =
  (action: string) =>
  (statement: Statement): boolean =>
    actionsOf(statement).includes(action);

/** The functions whose own role has a statement `matching`, by logical id, sorted. */
export const functionsWhoseRole = (template: Template, matching: (statement: Statement) => boolean): string[] =>
  ofType(template, 'AWS::Lambda::Function')
    .filter(([, fn]) => ownStatements(template, fn).some(matching))
    .map(([id]) => id)
    .sort();

/** Functions API Gateway invokes (an HTTP route or a WebSocket route). */
export const requestFunctions = (template: Template): Array<[string, Resource]> => {
  const invoked = new Set(
    ofType(template, 'AWS::Lambda::Permission')
      .filter(([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com')
      .map(([, permission]) => permission.Properties.FunctionName['Fn::GetAtt'][0] as string),
  );
  return ofType(template, 'AWS::Lambda::Function').filter(([id]) => invoked.has(id));
};

/** Whether an ARN names the chat table or one of its indexes. */
export const isChatTableArn = (arn: string): boolean => /^ChatTable\.Arn|\$\{ChatTable\.Arn\}|:table\/chat-rooms-[^/]+-chat/.test(arn);

/** The attachments bucket's objects under the session tenant's prefix, as the tenant-access role names them. */
export const ATTACHMENTS_TENANT_OBJECTS = '${AttachmentsBucket.Arn}/${!aws:PrincipalTag/tenant}/*';
/** The files sent in rooms, of every tenant: what the cleanup deletes. */
export const ATTACHMENTS_SENT_OBJECTS = '${AttachmentsBucket.Arn}/*/rooms/*';

/** Whether an ARN names the attachments bucket or objects in it. */
export const isAttachmentsArn = (arn: string): boolean => /^AttachmentsBucket\.Arn|\$\{AttachmentsBucket\.Arn\}/.test(arn);

/**
 * Every wildcard a role grants: an action with `*`, a Resource `*`, or a `*` anywhere in an ARN
 * (`table/*`, `index/*`), except the log streams of a function's own log group, KMS keys that
 * a condition binds to one parameter, the connections of the stage's own WebSocket API and the
 * attachments' object keys named above.
 */
export const wildcardsIn = (role: Resource): string[] =>
  statementsOf(role).flatMap((statement) => [
    ...actionsOf(statement).filter((action) => action.includes('*')),
    ...resourceStrings(statement.Resource).filter((arn) => {
      if (arn.includes(':log-group:')) return !/:log-group:\/aws\/lambda\/[A-Za-z0-9-]+:\*(:\*)?$/.test(arn);
      if (arn.includes(':kms:') && statement.Condition?.StringEquals?.['kms:EncryptionContext:PARAMETER_ARN']) return false;
      // Connection ids are made at connect time: the stage's own @connections, nothing wider.
      if (/:execute-api:.*\$\{WebsocketsApi\}\/[a-z]+\/(POST|DELETE)\/@connections\/\*$/.test(arn)) return false;
      // Object keys are made at upload time: the session tenant's own prefix of the attachments bucket,
      // and for the cross-tenant cleanup the files sent in rooms (`<client_id>/rooms/…`), nothing wider.
      if (arn === ATTACHMENTS_TENANT_OBJECTS || arn === ATTACHMENTS_SENT_OBJECTS) return false;
      return arn.includes('*');
    }),
  ]);

/** Functions behind a route of the HTTP API. */
export const httpApiFunctions = (template: Template): Array<[string, Resource]> => {
  const routed = new Set(
    ofType(template, 'AWS::Lambda::Permission')
      .filter(([, permission]) => JSON.stringify(permission.Properties.SourceArn ?? '').includes('{"Ref":"HttpApi"}'))
      .map(([, permission]) => permission.Properties.FunctionName['Fn::GetAtt'][0] as string),
  );
  return ofType(template, 'AWS::Lambda::Function').filter(([id]) => routed.has(id));
};
