// The Webhooks panel: what the local stack's webhook receiver got for the panes' tenant, as that
// tenant's backend would get it: the event, its webhook-id (the same on every attempt), which
// attempt it is, and whether its signature verified (✓) or not (✗) with the endpoint's secret.
// Polled from GET /playground/webhooks, which only this page may call (X-Playground).
import { call, describeError } from './api.js';
import { h } from './dom.js';

const POLL_MS = 1000;
const HEADERS = { Accept: 'application/json', 'X-Playground': '1' };

const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

const pretty = (body) => {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};

const keyOf = (delivery) => `${delivery.received_at}|${delivery.webhook_id}|${delivery.attempt}`;

const verifiedMark = (verified) =>
  h('span', { class: verified ? 'verified' : 'unverified', title: verified ? 'signature verified' : 'signature did not verify' }, verified ? '✓' : '✗');

export class WebhooksPanel {
  /** @param {HTMLElement} section the panel's region, with its `receiver` and `deliveries` slots */
  constructor(section) {
    this.receiver = section.querySelector('[data-slot=receiver]');
    this.deliveries = section.querySelector('[data-slot=deliveries]');
    this.clientId = undefined;
    this.shown = '';
    this.timer = undefined;
  }

  /** Lists the deliveries of this tenant from now on, and keeps the list current. */
  show(clientId) {
    if (clientId === this.clientId) return;
    this.clientId = clientId;
    this.shown = '';
    this.deliveries.replaceChildren();
    void this.refresh();
    this.timer ??= setInterval(() => {
      if (!document.hidden) void this.refresh();
    }, POLL_MS);
  }

  async refresh() {
    const clientId = this.clientId;
    if (this.refreshing || clientId === undefined) return;
    this.refreshing = true;
    try {
      const reply = await call('GET', `/playground/webhooks?client_id=${encodeURIComponent(clientId)}`, { headers: HEADERS });
      if (clientId !== this.clientId) return;
      if (!reply.ok) {
        this.receiver.textContent = `Could not list the deliveries: ${describeError(reply)}`;
        return;
      }
      this.render(reply.json);
    } finally {
      this.refreshing = false;
    }
  }

  render({ client_id: clientId, receiver_url: url, registered, deliveries }) {
    this.receiver.replaceChildren(
      ...(registered
        ? [`Tenant ${clientId} sends every event to `, h('code', {}, url), ', signed as Standard Webhooks; a tenant\'s backend gets the same.']
        : [`Tenant ${clientId} has no endpoint at this receiver. Register one with `,
          h('code', {}, `npm run tenant -- webhook add ${clientId} --url '${url}' --events message.created,message.updated,message.deleted,room.opened,room.closed,participant.reassigned`)]),
    );
    const seen = deliveries.map(keyOf).join(',');
    if (seen === this.shown) return;
    this.shown = seen;
    // Bodies a reader opened stay open across a refresh.
    const open = new Set([...this.deliveries.querySelectorAll('tr[data-key]')].filter((row) => row.querySelector('details')?.open).map((row) => row.dataset.key));
    this.deliveries.replaceChildren(
      deliveries.length === 0
        ? h('p', { class: 'hint' }, 'Nothing received yet: start a chat or send a message.')
        : h('table', { class: 'deliveries' },
          h('thead', {}, h('tr', {}, ...['Signature', 'Event', 'webhook-id', 'Attempt', 'Received', 'Body'].map((name) => h('th', { scope: 'col' }, name)))),
          h('tbody', {}, ...deliveries.map((delivery) =>
            h('tr', { 'data-key': keyOf(delivery) },
              h('td', {}, verifiedMark(delivery.verified)),
              h('td', {}, delivery.type || '(no type)'),
              h('td', {}, h('code', {}, delivery.webhook_id)),
              h('td', {}, String(delivery.attempt)),
              h('td', {}, timeOf(delivery.received_at)),
              h('td', {}, h('details', { open: open.has(keyOf(delivery)) }, h('summary', {}, 'show'), h('pre', {}, h('code', {}, pretty(delivery.body))))),
            ))),
        ),
    );
  }
}
