// Renders the WebSocket API's AsyncAPI document (served by the API) as a plain listing: the
// server and how to authenticate, then each operation with its frames and their fields.
import { h } from './dom.js';

const ASYNCAPI_URL = '/api/v1/asyncapi.json';

const refName = (ref) => ref.split('/').pop();

/** A one-line type: `string`, `"pong"`, `RoomData`, `string | null`, `MessageData[]`. */
function typeOf(schema) {
  if (!schema) return 'any';
  if (schema.$ref) return refName(schema.$ref);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  return [].concat(schema.type ?? 'any').join(' | ');
}

const rule = (schema) =>
  [schema.pattern && `pattern ${schema.pattern}`, schema.format, schema.minLength !== undefined && `min length ${schema.minLength}`]
    .filter(Boolean)
    .join(', ');

/** A table of an object schema's fields; nested objects and named schemas get their own table. */
function fields(schema, schemas, seen = new Set()) {
  const target = schema.$ref ? schemas[refName(schema.$ref)] : schema;
  if (!target?.properties) return h('p', { class: 'hint' }, typeOf(schema));
  const required = new Set(target.required ?? []);
  const rows = Object.entries(target.properties).map(([name, property]) => {
    const nested = property.$ref && !seen.has(property.$ref) ? property : property.type === 'object' ? property : undefined;
    const more = nested
      ? h('details', {}, h('summary', {}, typeOf(property)), fields(nested, schemas, new Set([...seen, property.$ref])))
      : undefined;
    return h(
      'tr',
      {},
      h('td', {}, h('code', {}, name), required.has(name) ? '' : ' (optional)'),
      h('td', {}, more ?? h('code', {}, typeOf(property))),
      h('td', {}, [property.description, rule(property)].filter(Boolean).join(' — ')),
    );
  });
  return h('table', { class: 'fields' }, h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'Type'), h('th', {}, 'About'))), h('tbody', {}, ...rows));
}

function frame(ref, document) {
  const message = document.components.messages[refName(ref)];
  return h(
    'article',
    { class: 'frame', 'aria-label': message.name },
    h('h4', {}, h('code', {}, message.name), ` — ${message.title}`),
    h('p', {}, message.summary),
    fields(message.payload, document.components.schemas),
  );
}

function render(document, section) {
  const server = document.servers.api;
  const security = Object.values(document.components.securitySchemes).map((scheme) => h('li', {}, scheme.description));
  const operations = Object.values(document.operations).map((operation) =>
    h(
      'section',
      { class: 'operation' },
      h('h3', {}, operation.action === 'send' ? 'Server sends: ' : 'Client sends: ', operation.title),
      // A send operation's summary is its message's; a receive one says how it is answered.
      ...(operation.reply ? [h('p', {}, operation.summary)] : []),
      ...operation.messages.map((message) => frame(message.$ref, document)),
      ...(operation.reply ? [h('p', {}, 'Answered with one of:'), ...operation.reply.messages.map((message) => frame(message.$ref, document))] : []),
    ),
  );
  section.replaceChildren(
    h('h2', {}, `${document.info.title} — AsyncAPI ${document.asyncapi}`),
    h('p', {}, document.info.description),
    h('p', {}, 'Connect to ', h('code', {}, `${server.protocol}://${server.host}${server.pathname ?? ''}`), ' with the token as either:'),
    h('ul', {}, ...security),
    ...operations,
    h('p', {}, h('a', { href: ASYNCAPI_URL }, 'The AsyncAPI document (JSON)')),
  );
}

const section = document.getElementById('events');
fetch(ASYNCAPI_URL)
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${ASYNCAPI_URL} answered ${response.status}`))))
  .then((asyncApi) => render(asyncApi, section))
  .catch((error) => section.replaceChildren(h('p', { class: 'error' }, `Could not load the WebSocket API's description: ${error.message}`)));
