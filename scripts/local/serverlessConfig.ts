import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

/** The repository root: scripts/local/ is two levels below it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVERLESS_YML = path.join(REPO_ROOT, 'serverless.yml');

// CloudFormation short-form tags (`!Ref`, `!GetAtt`, `!Sub`, ...) become their long form, so a
// future `!Ref` somewhere in serverless.yml cannot break the local tooling that only reads tables.
const cloudFormationTag = (kind: 'scalar' | 'sequence' | 'mapping') =>
  new yaml.Type('!', {
    kind,
    multi: true,
    construct: (data: unknown, tag?: string) => {
      const name = (tag ?? '!').slice(1);
      return { [name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`]: data };
    },
  });

const schema = yaml.DEFAULT_SCHEMA.extend([
  cloudFormationTag('scalar'),
  cloudFormationTag('sequence'),
  cloudFormationTag('mapping'),
]);

/** serverless.yml as written, variables unresolved. */
export const loadServerlessConfig = (file = SERVERLESS_YML): Record<string, unknown> => {
  const parsed = yaml.load(readFileSync(file, 'utf8'), { schema, filename: file });
  if (!parsed || typeof parsed !== 'object') throw new Error(`${file} is not a YAML mapping`);
  return parsed as Record<string, unknown>;
};

const INNERMOST_VARIABLE = /\$\{([^{}]+)\}/;
// `${AWS::Region}`, `${Table.Arn}`, `${LogicalId}`: Fn::Sub placeholders for CloudFormation, not osls.
const isCloudFormationPlaceholder = (expression: string) => /^[A-Za-z0-9.]+$|^AWS::/.test(expression.trim());

const lookup = (root: unknown, address: string): unknown =>
  address.split('.').reduce<unknown>((node, key) => {
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new Error(`serverless.yml: \${self:${address}} does not exist (no "${key}")`);
    }
    return (node as Record<string, unknown>)[key];
  }, root);

/**
 * Resolve the few osls variables the local tooling needs: `${self:service}`, `${sls:stage}` and
 * `${self:a.b.c}` (recursively). Anything else (`${opt:...}`, `${env:...}`, defaults) throws, so
 * the local stack can never silently run with a value that differs from the deployed one.
 */
export const resolveVariables = <T>(value: T, config: Record<string, unknown>, stage: string): T => {
  const resolving: string[] = [];

  const resolveExpression = (expression: string): unknown => {
    const trimmed = expression.trim();
    if (trimmed === 'sls:stage') return stage;
    const self = /^self:([A-Za-z0-9_\-.]+)$/.exec(trimmed);
    if (!self?.[1]) {
      throw new Error(
        `serverless.yml: unsupported variable \${${trimmed}} (local tooling resolves only \${self:...} and \${sls:stage})`,
      );
    }
    const address = self[1];
    if (resolving.includes(address)) {
      throw new Error(`serverless.yml: circular variable \${self:${[...resolving, address].join('} -> ${self:')}}`);
    }
    resolving.push(address);
    try {
      return resolveNode(lookup(config, address));
    } finally {
      resolving.pop();
    }
  };

  const resolveString = (text: string): unknown => {
    let current: unknown = text;
    let skipped = '';
    // Innermost first, so nested `${self:custom.${sls:stage}}` resolves from the inside out.
    while (typeof current === 'string') {
      const match = INNERMOST_VARIABLE.exec(current);
      if (!match?.[1]) break;
      if (isCloudFormationPlaceholder(match[1])) {
        // Left for CloudFormation; keep scanning after it.
        skipped += current.slice(0, match.index + match[0].length);
        current = current.slice(match.index + match[0].length);
        continue;
      }
      const resolved = resolveExpression(match[1]);
      // A whole-string variable keeps its type (a number, a mapping); a partial one is text.
      if (skipped === '' && match[0] === current) return resolved;
      current = current.slice(0, match.index) + String(resolved) + current.slice(match.index + match[0].length);
    }
    return typeof current === 'string' ? skipped + current : current;
  };

  const resolveNode = (node: unknown): unknown => {
    if (typeof node === 'string') return resolveString(node);
    if (Array.isArray(node)) return node.map(resolveNode);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, resolveNode(child)]));
    }
    return node;
  };

  return resolveNode(value) as T;
};
