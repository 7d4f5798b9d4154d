// Shows one request and its response the way the published API page shows startChat:
// method and URL, a table of headers, the raw body; then the response's status, headers and body.
import { h } from './dom.js';

const headerTable = (caption, headers) =>
  h('table', { class: 'headers' },
    h('caption', {}, caption),
    h('tbody', {}, ...headers.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, h('code', {}, value))))),
  );

const pretty = (reply) => (reply.json === undefined ? reply.text : JSON.stringify(reply.json, null, 4));

export function renderExchange(container, title, reply) {
  const { request } = reply;
  container.replaceChildren(
    h('h3', {}, title),
    h('div', { class: 'exchange-grid' },
      h('article', { 'aria-label': 'Request' },
        h('h4', {}, 'Request'),
        h('p', { class: 'request-line' }, h('span', { class: 'method' }, request.method), ' ', h('code', {}, request.url)),
        headerTable('Headers', Object.entries(request.headers)),
        h('p', { class: 'label' }, 'Body raw'),
        h('pre', {}, h('code', {}, request.body ?? '')),
      ),
      h('article', { 'aria-label': 'Response' },
        h('h4', {}, 'Response'),
        h('p', { class: `request-line ${reply.ok ? 'ok' : 'failed'}` }, h('span', { class: 'status' }, `${reply.status} ${reply.statusText}`)),
        headerTable('Headers', reply.headers),
        h('p', { class: 'label' }, 'Body'),
        h('pre', {}, h('code', {}, pretty(reply))),
      ),
    ),
  );
}
