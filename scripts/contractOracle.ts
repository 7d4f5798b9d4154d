/**
 * The published contract as an oracle: does an HTTP exchange keep to the OpenAPI document (a status
 * the operation lists, its documented headers, a body its schema admits), does a WebSocket frame
 * keep to the AsyncAPI document (a message the service sends, a payload its schema admits). ajv
 * over the documents themselves. The test suite holds every response and frame it receives to the
 * generated documents (test/support/contract.ts); `npm run contract` holds a deployed stage to the
 * documents it serves.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { asyncApiDocument } from '../lib/openapi/asyncApiDocument';
import { openApiDocument } from '../lib/openapi/document';

type Json = Record<string, any>;

export interface HttpExchange {
  method: string;
  /** The request path, query string allowed. */
  path: string;
  status: number;
  /** Response headers (any case). */
  headers: Record<string, string>;
  /** The response body as received. */
  text: string;
}

/** Routes outside the published API: the playground exists on the local stage only. */
const UNDOCUMENTED_PREFIXES = ['/playground'];

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export interface ContractOracle {
  httpViolations(exchange: HttpExchange): string[];
  frameViolations(frame: unknown): string[];
}

/** Compiled validators for any schema of the two documents, by reference; and their errors as text. */
const schemaChecker = (openApi: Json, asyncApi: Json) => {
  // strict: false — the documents carry OpenAPI/AsyncAPI keywords around their schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(openApi, 'openapi');
  ajv.addSchema(asyncApi, 'asyncapi');
  const compiled = new Map<string, ValidateFunction>();
  const validator = (ref: string): ValidateFunction => {
    let validate = compiled.get(ref);
    if (!validate) compiled.set(ref, (validate = ajv.compile({ $ref: ref })));
    return validate;
  };
  const errorsOf = (validate: ValidateFunction) =>
    (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
  return { validator, errorsOf };
};

type SchemaChecker = ReturnType<typeof schemaChecker>;

const httpOracle = (openApi: Json, { validator, errorsOf }: SchemaChecker): ContractOracle['httpViolations'] => {
  const templates = Object.keys(openApi.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  return ({ method, path, status, headers, text }: HttpExchange): string[] => {
    const pathname = path.split('?')[0]!;
    if (UNDOCUMENTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))) return [];
    const where = `${method.toUpperCase()} ${path} → ${status}`;
    const template = templates.find(({ pattern }) => pattern.test(pathname))?.template;
    const operation = template && openApi.paths[template][method.toLowerCase()];
    if (!operation) return [`${where}: no operation in the OpenAPI document`];
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => operation.responses[candidate]);
    if (!key) return [`${where}: ${operation.operationId} does not document ${status} (it lists ${Object.keys(operation.responses).join(', ')})`];
    const response = operation.responses[key];
    const base = `openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', key)}`;
    const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const violations: string[] = [];

    for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
      const value = lowerHeaders[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) violations.push(`${where}: header ${name} is documented as required but missing`);
        continue;
      }
      const typed = ['integer', 'number'].includes(header.schema?.type) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      const validate = validator(`${base}/${pointer('headers', name, 'schema')}`);
      if (!validate(typed)) violations.push(`${where}: header ${name}: ${JSON.stringify(value)} ${errorsOf(validate).join('; ')}`);
    }

    if (!response.content) {
      if (text !== '') violations.push(`${where}: a body where the document has none`);
      return violations;
    }
    const mediaType = (lowerHeaders['content-type'] ?? '').split(';')[0]!.trim();
    if (!response.content[mediaType]) return [...violations, `${where}: Content-Type ${JSON.stringify(mediaType)} is not among ${Object.keys(response.content).join(', ')}`];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [...violations, `${where}: the body is not JSON: ${text.slice(0, 200)}`];
    }
    const validate = validator(`${base}/${pointer('content', mediaType, 'schema')}`);
    if (!validate(body)) violations.push(`${where}: body breaks ${operation.operationId}'s ${key} schema: ${errorsOf(validate).join('; ')} in ${text.slice(0, 300)}`);
    return violations;
  };
};

const frameOracle = (asyncApi: Json, { validator, errorsOf }: SchemaChecker): ContractOracle['frameViolations'] => {
  /** What the service may push: the messages of its `send` operations and of its replies. */
  const sent = new Map<string, string>();
  for (const operation of Object.values<Json>(asyncApi.operations)) {
    const refs = operation.action === 'send' ? operation.messages : (operation.reply?.messages ?? []);
    for (const { $ref } of refs as Json[]) {
      const key = String($ref).split('/').pop()!;
      sent.set(asyncApi.components.messages[key].name, `asyncapi#/${pointer('components', 'messages', key, 'payload')}`);
    }
  }

  return (frame: unknown): string[] => {
    const name = (frame as { event?: unknown } | null)?.event;
    const ref = typeof name === 'string' ? sent.get(name) : undefined;
    if (!ref) return [`WebSocket frame ${JSON.stringify(frame).slice(0, 200)}: no message of the AsyncAPI document has this event`];
    const validate = validator(ref);
    return validate(frame) ? [] : [`WebSocket frame ${name}: ${errorsOf(validate).join('; ')} in ${JSON.stringify(frame).slice(0, 300)}`];
  };
};

/** An oracle over these two documents (the generated ones by default; a deployed stage's for `npm run contract`). */
export const contractOracle = (openApi: Json = openApiDocument(), asyncApi: Json = asyncApiDocument()): ContractOracle => {
  const schemas = schemaChecker(openApi, asyncApi);
  return { httpViolations: httpOracle(openApi, schemas), frameViolations: frameOracle(asyncApi, schemas) };
};
