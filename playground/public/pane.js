// One participant's pane: an accessible region named after the participant, the room's state,
// its messages (oldest at the top, newest at the bottom) with sender, time, read tick and files,
// an unread count, errors as the API returned them, and a "Message" box with "Attach" and "Send".
import { attachmentsView } from './attachments.js';
import { h } from './dom.js';

/** Role names from the page's config: "Agent 133", "Customer 1". */
let roleNames = {};
export const useRoleNames = (names) => {
  roleNames = names;
};
const participantLabel = (role, userId) => `${roleNames[role] ?? role} ${userId}`;

const timeOf = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export class PaneView {
  /**
   * @param {HTMLTemplateElement} template
   * @param {string} id unique per pane, for label ids
   * @param {{
   *   send: (text: string, attachmentIds: string[]) => Promise<boolean>,
   *   attach: (file: File) => Promise<{_id: string} | undefined>,
   *   toggleRoom: () => void,
   *   look: () => void,
   * }} actions
   */
  constructor(template, id, actions) {
    this.element = template.content.firstElementChild.cloneNode(true);
    const slot = (name) => this.element.querySelector(`[data-slot="${name}"]`);
    this.title = this.element.querySelector('.pane-title');
    this.title.id = `${id}-title`;
    this.element.setAttribute('aria-labelledby', this.title.id);
    this.tenant = slot('tenant');
    this.socket = slot('socket');
    this.room = slot('room');
    this.unread = slot('unread');
    this.closeButton = slot('close');
    this.error = slot('error');
    this.socketError = slot('socket-error');
    this.list = this.element.querySelector('.messages');
    // Focusable, so the conversation scrolls from the keyboard (and looking at it reads it).
    this.list.tabIndex = 0;
    this.form = this.element.querySelector('.composer');
    this.input = this.form.elements.namedItem('text');
    this.fileInput = this.form.elements.namedItem('file');
    this.chosen = slot('chosen');
    /** Files chosen for the next message: each uploading (`done`), then uploaded (`id`). */
    this.files = [];
    this.me = { role: '', userId: '' };

    this.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      // A file still uploading goes with this message once it is up.
      await Promise.all(this.files.map((file) => file.done));
      const text = this.input.value.trim();
      const files = this.files.filter((file) => file.id);
      if (!text && !files.length) return;
      // Cleared at once, so the next message can be typed while this one is on its way;
      // a failed send gives the text and files back (unless something new was typed meanwhile).
      this.input.value = '';
      files.forEach((file) => this.dropFile(file));
      if (await actions.send(text, files.map((file) => file.id))) return;
      if (this.input.value === '') this.input.value = text;
      files.forEach((file) => this.keepFile(file));
    });
    slot('attach').addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      for (const file of this.fileInput.files) this.chooseFile(file, actions.attach);
      // The same file may be chosen again.
      this.fileInput.value = '';
    });
    this.closeButton.addEventListener('click', () => actions.toggleRoom());
    // A participant "reads" what their pane shows once they interact with it.
    this.element.addEventListener('focusin', () => actions.look());
  }

  /** Whether the participant is looking at this pane: focus is inside it. */
  get looking() {
    return this.element.contains(document.activeElement);
  }

  showParticipant(participant, tenant) {
    this.me = { role: participant.role, userId: participant.user_id };
    this.title.textContent = participantLabel(participant.role, participant.user_id);
    this.tenant.textContent = `tenant ${tenant.client_id} (${tenant.name})`;
  }

  showSocket(state) {
    this.socket.textContent = `socket: ${state}`;
    this.socket.dataset.state = state;
  }

  /** Why the socket stopped for good (kept apart from the API errors, which a later success clears); '' for none. */
  showSocketError(text) {
    this.socketError.textContent = text;
    this.socketError.hidden = !text;
  }

  /** The room's state; null for no room. */
  showRoom(room) {
    this.element.dataset.roomStatus = room ? (room.status ? 'open' : 'closed') : 'none';
    this.room.textContent = room ? `Room ${room.room_id} ${room.status ? 'open' : 'closed'}` : 'No room yet';
    this.closeButton.hidden = !room;
    this.closeButton.textContent = room?.status === false ? 'Reopen room' : 'Close room';
  }

  showUnread(count) {
    this.unread.textContent = `${count} unread`;
    this.unread.dataset.count = String(count);
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  clearError() {
    this.error.textContent = '';
    this.error.hidden = true;
  }

  /** Empties the pane for another room or participant; files uploaded for the previous room cannot go to this one. */
  clearMessages() {
    this.list.replaceChildren();
    [...this.files].forEach((file) => this.dropFile(file));
  }

  /** Shows `file` as chosen while `attach` uploads it; one the upload refuses goes (the error says why). */
  chooseFile(file, attach) {
    const entry = { name: file.name, id: undefined, chip: undefined, done: undefined };
    const state = h('span', { class: 'upload-state' }, 'uploading…');
    entry.chip = h('span', { class: 'chip', 'data-state': 'uploading' },
      h('span', {}, file.name), ' ', state,
      h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${file.name}` }, '×'),
    );
    entry.chip.querySelector('.remove').addEventListener('click', () => this.dropFile(entry));
    entry.done = attach(file).then((attachment) => {
      if (!attachment) return this.dropFile(entry);
      entry.id = attachment._id;
      entry.chip.dataset.state = 'uploaded';
      state.textContent = 'ready';
    });
    this.keepFile(entry);
  }

  keepFile(entry) {
    if (!this.files.includes(entry)) this.files.push(entry);
    this.chosen.append(entry.chip);
    this.chosen.hidden = false;
  }

  dropFile(entry) {
    this.files = this.files.filter((file) => file !== entry);
    entry.chip.remove();
    this.chosen.hidden = this.files.length === 0;
  }

  isMine(message) {
    return message.sender_type === this.me.role && message.sender_id === this.me.userId;
  }

  /** Adds a message in `_id` (ULID, so time) order; one that is already shown is left as is. */
  addMessage(message) {
    if (this.list.querySelector(`[data-id="${CSS.escape(message._id)}"]`)) return false;
    const mine = this.isMine(message);
    const item = h('li', { class: `message ${mine ? 'mine' : 'theirs'}`, 'data-id': message._id },
      h('p', { class: 'who' },
        h('span', { class: 'sender' }, mine ? `${participantLabel(message.sender_type, message.sender_id)} (you)` : participantLabel(message.sender_type, message.sender_id)),
        ' ',
        h('time', { datetime: message.created_date }, timeOf(message.created_date)),
        mine ? h('span', { class: 'tick', role: 'img', 'aria-label': 'Sent' }, '✓') : null,
      ),
      // A message of files alone has no text line.
      message.text || !message.attachments?.length ? h('p', { class: 'text' }, message.text) : null,
      message.attachments?.length ? attachmentsView(message.attachments) : null,
    );
    const later = [...this.list.children].find((other) => other.dataset.id > message._id);
    this.list.insertBefore(item, later ?? null);
    if (!later) this.list.scrollTop = this.list.scrollHeight;
    return true;
  }

  /** The newest message another participant wrote, if any. */
  newestFromOthers() {
    const theirs = this.list.querySelectorAll('.message.theirs');
    return theirs.length ? theirs[theirs.length - 1].dataset.id : undefined;
  }

  /** Messages from others after `messageId` (all of them when undefined). */
  countFromOthersAfter(messageId) {
    return [...this.list.querySelectorAll('.message.theirs')].filter((item) => !messageId || item.dataset.id > messageId).length;
  }

  /** The other side has read up to `messageId`: my messages up to it get the read tick. */
  markReadUpTo(messageId) {
    for (const item of this.list.querySelectorAll('.message.mine')) {
      if (item.dataset.id > messageId) break;
      const tick = item.querySelector('.tick');
      tick.textContent = '✓✓';
      tick.setAttribute('aria-label', 'Read');
      tick.classList.add('read');
    }
  }
}
