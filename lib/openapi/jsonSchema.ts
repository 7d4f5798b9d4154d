import * as z from '../zod';
import { absentAsUndefined } from '../fields';

type JsonSchema = Record<string, unknown>;
type ZodDef = { type: string; checks?: Array<{ _zod: { def: { check: string; tx?: (value: string) => string } } }>; in?: z.ZodMiniType };
const defOf = (schema: unknown): ZodDef => (schema as { _zod: { def: ZodDef } })._zod.def;

/** A check that turns `' x '` into `'x'` trims: the value it checks is the trimmed one. */
const trims = (schema: unknown): boolean =>
  (defOf(schema).checks ?? []).some(({ _zod: { def } }) => def.check === 'overwrite' && def.tx?.(' x ') === 'x');

/** Between `min` and `max` characters once surrounding white space (what String#trim removes, `\s`) is dropped. */
const trimmedLengthPattern = (min: number, max?: number): string => {
  const upper = max === undefined ? '' : String(max - 2);
  if (min <= 1) {
    const core = max === 1 ? '\\S' : `\\S(?:[\\s\\S]{0,${upper}}\\S)?`;
    return min === 1 ? `^\\s*${core}\\s*$` : `^\\s*(?:${core})?\\s*$`;
  }
  return `^\\s*\\S[\\s\\S]{${min - 2},${upper}}\\S\\s*$`;
};

/**
 * A string the server trims before checking it, described by what a client may send: a pattern
 * written for the trimmed value gets surrounding white space allowed, and lengths count the
 * trimmed value (so `"   "` is refused where `minLength: 1` would admit it).
 */
const describeTrimmed = (json: JsonSchema): void => {
  if (typeof json.pattern === 'string') {
    const anchored = /^\^(.*)\$$/.exec(json.pattern);
    if (anchored) json.pattern = `^\\s*(?:${anchored[1]})\\s*$`;
  }
  const min = json.minLength as number | undefined;
  const max = json.maxLength as number | undefined;
  if (min === undefined && max === undefined) return;
  delete json.minLength;
  delete json.maxLength;
  const range = max === undefined ? `at least ${min}` : min ? `${min} to ${max}` : `at most ${max}`;
  json.description = [json.description, `Trimmed; ${range} characters once trimmed.`].filter(Boolean).join(' ');
  const lengths = trimmedLengthPattern(min ?? 0, max);
  if (json.pattern === undefined) json.pattern = lengths;
  else json.allOf = [...((json.allOf as JsonSchema[] | undefined) ?? []), { pattern: lengths }];
};

/** The request fields where `null` and `""` mean "not given" (lib/fields.ts) accept both. */
const describeAbsent = (json: JsonSchema): void => {
  const given = { ...json };
  for (const key of Object.keys(json)) delete json[key];
  const { description, ...schema } = given;
  const alternatives = Array.isArray(schema.anyOf) && Object.keys(schema).length === 1 ? (schema.anyOf as JsonSchema[]) : [schema];
  json.anyOf = [...alternatives, { type: 'null' }, { const: '' }];
  json.description = [description, '`null` or `""` mean not given.'].filter(Boolean).join(' ');
};

type Io = 'input' | 'output';

/** zod writes `z.literal(200)` as a number; a whole constant is an integer. */
const describeIntegerConstant = (json: JsonSchema): void => {
  if (json.type === 'number' && Number.isInteger(json.const)) json.type = 'integer';
};

const options = (io: Io) => ({
  io,
  unrepresentable: 'any' as const,
  override: ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: unknown }) => {
    const def = defOf(zodSchema);
    const json = jsonSchema as JsonSchema;
    describeIntegerConstant(json);
    if (io === 'input' && def.type === 'string' && trims(zodSchema)) describeTrimmed(json);
    if (io === 'input' && def.type === 'pipe' && def.in && (defOf(def.in) as { transform?: unknown }).transform === absentAsUndefined) {
      describeAbsent(json);
    }
  },
});

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 and AsyncAPI 3 take it) of a zod schema: requests as
 * the server accepts them (`input`), responses and events as it sends them (`output`, where every
 * object is closed: a field the code adds without declaring it fails the contract tests).
 */
export const toJsonSchema = (schema: z.ZodMiniType, io: Io): JsonSchema => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, options(io)) as JsonSchema;
  return json;
};

/**
 * Named schemas as a document's `components.schemas`: a schema that is one of them is referenced
 * (`#/components/schemas/<name>`) wherever another uses it, instead of being written out again.
 */
export const toJsonSchemas = (named: Record<string, z.ZodMiniType>, io: Io): Record<string, JsonSchema> => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...options(io), uri: (id: string) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, JsonSchema>;
  };
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...json }]) => [id, json]));
};
