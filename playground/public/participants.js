// The "Change participants" form, and the rule every pair the page uses keeps: both participants
// of one tenant. A room belongs to one tenant, so a participant of another would only ever get a
// bare 404 for it; the form says why instead.
import { h } from './dom.js';

export const ROLES = ['agent', 'user', 'vendor', 'admin'];
const USER_ID = /^[1-9][0-9]*$/;

/** Why the page cannot use this pair (left, right), or undefined when it can. */
export function pairProblem(participants, tenants) {
  for (const { client_id: clientId, role, user_id: userId } of participants) {
    if (!tenants.some((tenant) => tenant.client_id === clientId)) return `Tenant ${clientId} is not one of this stack's tenants`;
    if (!ROLES.includes(role)) return `Role ${role} is not one of ${ROLES.join(', ')}`;
    if (!USER_ID.test(userId)) return `User id ${userId} is not a positive whole number`;
  }
  const [left, right] = participants;
  if (left.client_id !== right.client_id) {
    return `Both participants must belong to the same tenant: the left pane's is tenant ${left.client_id}, the right pane's tenant ${right.client_id}, and a room belongs to one tenant`;
  }
  return undefined;
}

export class ParticipantsForm {
  /**
   * @param {HTMLFormElement} form
   * @param {{client_id: string, name: string, status: string}[]} tenants
   * @param {(participants: {client_id: string, role: string, user_id: string}[]) => void} use
   *   called with a pair that keeps the rule
   */
  constructor(form, tenants, use) {
    this.form = form;
    this.tenants = tenants;
    this.fieldsets = [...form.querySelectorAll('fieldset')];
    this.problem = form.querySelector('[data-slot=problem]');
    for (const select of form.querySelectorAll('[name=client_id]')) {
      select.replaceChildren(...tenants.map((tenant) =>
        h('option', { value: tenant.client_id }, `${tenant.client_id} · ${tenant.name}${tenant.status === 'active' ? '' : ` (${tenant.status})`}`)));
    }
    for (const select of form.querySelectorAll('[name=role]')) {
      select.replaceChildren(...ROLES.map((role) => h('option', { value: role }, role)));
    }
    // Said as soon as the tenants disagree, and again on submit.
    form.addEventListener('change', () => this.showProblem(this.tenantProblem()));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const participants = this.read();
      const problem = pairProblem(participants, tenants);
      this.showProblem(problem);
      if (!problem) use(participants);
    });
  }

  read() {
    return this.fieldsets.map((fieldset) => ({
      client_id: fieldset.querySelector('[name=client_id]').value,
      role: fieldset.querySelector('[name=role]').value,
      user_id: fieldset.querySelector('[name=user_id]').value.trim(),
    }));
  }

  fill(participants) {
    participants.forEach((participant, index) => {
      const fieldset = this.fieldsets[index];
      fieldset.querySelector('[name=client_id]').value = participant.client_id;
      fieldset.querySelector('[name=role]').value = participant.role;
      fieldset.querySelector('[name=user_id]').value = participant.user_id;
    });
    this.showProblem(undefined);
  }

  /** Only the tenant rule while editing: a half-typed user id is not worth a complaint yet. */
  tenantProblem() {
    const [left, right] = this.read();
    return left.client_id === right.client_id ? undefined : pairProblem([left, right], this.tenants);
  }

  showProblem(text) {
    this.problem.textContent = text ?? '';
    this.problem.hidden = !text;
  }
}
