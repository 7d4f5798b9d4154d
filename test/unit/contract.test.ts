/**
 * The OpenAPI document as a contract: the published startChat page validates against it byte for
 * byte, it states what the server enforces (checked against the validating zod schemas on generated
 * input), every operation lists its real statuses and codes, and the test oracle that holds every
 * test's responses to it (test/support/contract.ts) does catch what breaks it.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { ERROR_STATUS, type ErrorCode } from '../../lib/errors';
import { openApiDocument } from '../../lib/openapi/document';
import { ROUTES } from '../../lib/openapi/routes';
import { SEED_BODY } from '../../scripts/local/seedRequest';
import { contractOracle, type HttpExchange } from '../support/contract';

const document = openApiDocument() as any;
const oracle = contractOracle();

/** The published page's example response, byte for byte. */
const PUBLISHED_RESPONSE = `{
    "message": "Room created successfully !!!",
    "roomData": {
        "_id": "641d731dee3408c461095a2b",
        "status": true,
        "type": "agent_to_user",
        "room_id": "52788594",
        "room_name": "OrderNo-52788594-orderId-10-oderVendor-7-agentId-141",
        "order_vendor_id": "9",
        "order_id": "10",
        "agent_db": "ace",
        "vendor_id": "7",
        "sub_domain": "192.168.101.88",
        "vendor_user_id": "141",
        "order_user_id": "1",
        "agent_id": "141",
        "db_name": "ace",
        "client_id": "1",
        "created_date": "2023-03-24T09:53:33.984Z",
        "updated_date": "2023-03-24T10:13:40.620Z",
        "__v": 0
    },
    "status": 200
}`;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const startChat = (status: number, text: string, headers: Record<string, string> = JSON_HEADERS): HttpExchange => ({
  method: 'POST',
  path: '/api/v1/chat/startChat',
  status,
  headers,
  text,
});

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'openapi');
const requestValidator = (operationId: string) => ajv.compile({ $ref: `openapi#/components/schemas/${operationId[0]!.toUpperCase()}${operationId.slice(1)}Request` });
const routeOf = (operationId: string) => ROUTES.find((route) => route.operationId === operationId)!;

describe('the published startChat page against the document', () => {
  it('its request body is a valid StartChatRequest', () => {
    const validate = requestValidator('startChat');
    expect(validate(JSON.parse(JSON.stringify(SEED_BODY)))).toBe(true);
  });

  it('its example response is a valid 200 of startChat, byte for byte', () => {
    expect(oracle.httpViolations(startChat(200, PUBLISHED_RESPONSE))).toEqual([]);
  });

  it('sends the token bare or as a bearer token: both schemes are alternatives', () => {
    expect(document.security).toEqual([{ bearer: [] }, { token: [] }]);
    expect(document.components.securitySchemes.token).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('the test oracle', () => {
  const error = (status: number, code: string) => JSON.stringify({ message: 'x', status, code });

  it('refuses a status the operation does not document', () => {
    expect(oracle.httpViolations(startChat(418, error(418, 'VALIDATION_ERROR')))).toEqual([expect.stringContaining('does not document 418')]);
  });

  it('refuses a field the schema does not declare, and a missing one', () => {
    const extra = JSON.parse(PUBLISHED_RESPONSE);
    extra.roomData.secret = 'x';
    expect(oracle.httpViolations(startChat(200, JSON.stringify(extra)))).toEqual([expect.stringContaining('"additionalProperty":"secret"')]);
    const missing = JSON.parse(PUBLISHED_RESPONSE);
    delete missing.roomData.__v;
    expect(oracle.httpViolations(startChat(200, JSON.stringify(missing)))).toEqual([expect.stringContaining('__v')]);
  });

  it("refuses a code the operation does not list under that status, and a status that disagrees with the body's", () => {
    expect(oracle.httpViolations(startChat(409, error(409, 'ROOM_CLOSED')))).toHaveLength(1);
    expect(oracle.httpViolations(startChat(409, error(400, 'ORDER_NUMBER_TAKEN')))).toHaveLength(1);
    expect(oracle.httpViolations(startChat(409, error(409, 'ORDER_NUMBER_TAKEN')))).toEqual([]);
  });

  it('requires Retry-After on 429 and 503, as whole seconds', () => {
    const send = (status: number, headers: Record<string, string>) => ({
      method: 'POST',
      path: '/api/v1/chat/rooms/641d731dee3408c461095a2b/messages',
      status,
      headers: { ...JSON_HEADERS, ...headers },
      text: error(status, status === 429 ? 'RATE_LIMITED' : 'SERVICE_UNAVAILABLE'),
    });
    expect(oracle.httpViolations(send(429, {}))).toEqual([expect.stringContaining('Retry-After is documented as required')]);
    expect(oracle.httpViolations(send(503, { 'retry-after': 'soon' }))).toEqual([expect.stringContaining('Retry-After')]);
    expect(oracle.httpViolations(send(429, { 'retry-after': '2' }))).toEqual([]);
  });

  it('refuses an undocumented Cache-Control, another media type, and a route the document lacks', () => {
    expect(oracle.httpViolations(startChat(200, PUBLISHED_RESPONSE, { ...JSON_HEADERS, 'cache-control': 'max-age=60' }))).toHaveLength(1);
    expect(oracle.httpViolations(startChat(200, PUBLISHED_RESPONSE, { 'content-type': 'text/plain' }))).toHaveLength(1);
    expect(oracle.httpViolations({ ...startChat(200, '{}'), path: '/api/v1/chat/nothing' })).toEqual([expect.stringContaining('no operation')]);
  });
});

describe('what the server enforces, the document states', () => {
  /** The document and the validating schema agree on every generated value of one field. */
  const agrees = (operationId: string, base: Record<string, unknown>, field: string, values: fc.Arbitrary<unknown>) => {
    const validate = requestValidator(operationId);
    const schema = routeOf(operationId).body!;
    fc.assert(
      fc.property(values, (value) => {
        const body = { ...base, [field]: value };
        expect(`${JSON.stringify(value)}: ${validate(body)}`).toBe(`${JSON.stringify(value)}: ${schema.safeParse(body).success}`);
      }),
      { numRuns: 300 },
    );
  };
  const spaces = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\ufeff');
  const padded = (core: fc.Arbitrary<string>) => fc.tuple(spaces, core, spaces).map(([before, value, after]) => before + value + after);
  const numerals = fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('1e1', '2.5', '0x10', '+5', '00100', '0', '101', '100', ''));
  const anything = fc.oneof(fc.constant(null), fc.constant(''), fc.boolean(), fc.double({ noNaN: true }), fc.integer({ min: -5, max: 200 }), padded(numerals));

  it('limit: a whole number from 1 to 100, as a JSON number or a (trimmed) numeral; null and "" are not given', () => {
    const base = { sub_domain: '192.168.101.88', client_id: 1, agent_id: '133' };
    agrees('fetchRoomByUserAgent', base, 'limit', anything);
  });

  it('names are trimmed and must not be empty once trimmed; at most their length', () => {
    const names = fc.oneof(padded(fc.string({ maxLength: 70 })), fc.string({ minLength: 60, maxLength: 70 }), spaces);
    agrees('startChat', { ...SEED_BODY }, 'db_name', names);
    agrees('startChat', { ...SEED_BODY }, 'agent_db', fc.oneof(names, fc.constant(null)));
  });

  it('platform ids: positive integers, as numbers or trimmed numeric strings; optional ones take null and ""', () => {
    const ids = fc.oneof(anything, fc.integer({ min: 1 }).map((id) => ` ${id} `), fc.constantFrom(0, -1, 1.5, '007', 'abc'));
    agrees('startChat', { ...SEED_BODY }, 'order_id', ids);
    agrees('startChat', { ...SEED_BODY }, 'order_user_id', ids);
  });

  it('message text: trimmed, 1 to 4000 characters counted as code points', () => {
    const text = fc.oneof(
      padded(fc.string({ maxLength: 20 })),
      spaces,
      fc.constantFrom(3999, 4000, 4001).chain((length) => padded(fc.constant('😀'.repeat(length)))),
      fc.constantFrom(3999, 4000, 4001).map((length) => 'x'.repeat(length)),
    );
    agrees('sendMessage', {}, 'text', text);
  });

  it('the participant profile takes null and "" for each field, and for itself', () => {
    const profile = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.record({ username: fc.oneof(fc.constant(null), fc.constant(''), padded(fc.string({ maxLength: 10 }))) }),
    );
    agrees('startChat', { ...SEED_BODY }, 'participant', profile);
  });
});

describe('error statuses and codes', () => {
  const operations = Object.values<Record<string, any>>(document.paths).flatMap((methods) => Object.values(methods));

  it('every operation has tags, a description, a 4XX and 500; 429 and 503 require Retry-After', () => {
    for (const operation of operations) {
      expect(operation.tags?.length).toBeGreaterThan(0);
      expect(operation.description).toEqual(expect.any(String));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['500']));
      expect(Object.keys(operation.responses).some((status) => status.startsWith('4'))).toBe(true);
      for (const status of ['429', '503']) {
        if (operation.responses[status]?.content?.['application/json'].schema.allOf) {
          expect(`${operation.operationId} ${status} ${operation.responses[status].headers['Retry-After']?.required}`).toBe(`${operation.operationId} ${status} true`);
        }
      }
    }
  });

  it('lists each code under its status from the catalogue', () => {
    for (const operation of operations) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        for (const code of response.content?.['application/json'].schema.properties?.code?.enum ?? []) {
          expect(`${code} ${ERROR_STATUS[code as ErrorCode]}`).toBe(`${code} ${status}`);
        }
      }
    }
  });

  it('places every code of the catalogue on the operations that answer it (a new code must be placed in lib/openapi/routes.ts)', () => {
    const documented = new Set(
      operations.flatMap((operation) => Object.values<any>(operation.responses).flatMap((response) => response.content?.['application/json'].schema.properties?.code?.enum ?? [])),
    );
    // TENANT_NOT_FOUND: an unknown tenant answers TOKEN_INVALID, so tenants cannot be enumerated.
    // NOT_FOUND: the playground's (local stage only). METHOD_NOT_ALLOWED, CONFLICT: nothing answers them.
    const notAnswered = ['TENANT_NOT_FOUND', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'CONFLICT'];
    expect(Object.keys(ERROR_STATUS).filter((code) => !documented.has(code))).toEqual(notAnswered);
    expect(document.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_STATUS));
  });

  it("gives sendMessage its 409 ROOM_CLOSED and 429 RATE_LIMITED, and startChat's 409 ORDER_NUMBER_TAKEN", () => {
    const codes = (path: string, method: string, status: number) =>
      document.paths[path][method].responses[status].content['application/json'].schema.properties.code.enum;
    expect(codes('/api/v1/chat/rooms/{_id}/messages', 'post', 409)).toEqual(['ROOM_CLOSED']);
    expect(codes('/api/v1/chat/rooms/{_id}/messages', 'post', 429)).toEqual(['RATE_LIMITED']);
    expect(codes('/api/v1/chat/startChat', 'post', 409)).toEqual(['ORDER_NUMBER_TAKEN']);
    expect(codes('/api/v1/chat/startChat', 'post', 413)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codes('/api/v1/chat/startChat', 'post', 415)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
  });
});
