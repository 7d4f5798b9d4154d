import * as z from '../zod';
import { platformId } from '../ids';
import { listErasureAudits, type ErasureAudit } from '../store/erasures';
import type { TenantKeyScope } from '../store/keys';
import { getTenantRecord, TenantNotFound } from '../store/tenants';
import { erasePerson } from './erasePerson';
import { exportPerson } from './exportPerson';
import { roomRefsOf, type PersonRef } from './person';
import { erasePersonRequest } from './privacyRequests';
import type { ErasureData, PersonExport } from './privacySchemas';

/**
 * Operator actions on one person's data (the `npm run privacy` CLI): the same use cases as the
 * admin routes, without a request's time limit, and optionally with more rooms than the person's
 * index names (OperatorOptions.findRooms).
 */
const personCommand = z.extend(erasePersonRequest, { client_id: platformId });

export type PersonCommand = z.input<typeof personCommand>;

export interface OperatorOptions {
  /**
   * Finds more rooms holding the person's data than their index names (the CLI's `--scan`, which
   * reads the whole table: scripts/privacyScan.ts); their references join the named ones.
   */
  findRooms?: (tenant: TenantKeyScope, person: PersonRef) => Promise<string[]>;
}

/** The tenant's key scope, once the registry confirms the tenant exists. */
const tenantOf = async (clientId: string): Promise<TenantKeyScope> => {
  if (!(await getTenantRecord(clientId))) throw new TenantNotFound(clientId);
  return { clientId };
};

const resolve = async (command: PersonCommand, options: OperatorOptions) => {
  const input = personCommand.parse(command);
  const tenant = await tenantOf(input.client_id);
  const person: PersonRef = { role: input.role, userId: input.user_id };
  const refs = roomRefsOf(input.room_ids);
  if (options.findRooms) {
    for (const ref of await options.findRooms(tenant, person)) if (!refs.includes(ref)) refs.push(ref);
  }
  return { tenant, person, refs };
};

export const exportPersonData = async (command: PersonCommand, options: OperatorOptions = {}): Promise<PersonExport> => {
  const { tenant, person, refs } = await resolve(command, options);
  return exportPerson(tenant, person, { roomRefs: refs });
};

export const erasePersonData = async (command: PersonCommand & { requested_by?: string }, options: OperatorOptions = {}): Promise<ErasureData> => {
  const { tenant, person, refs } = await resolve(command, options);
  return erasePerson(tenant, person, {
    roomRefs: refs,
    requestedBy: { via: 'cli', role: 'operator', ...(command.requested_by && { user_id: command.requested_by }) },
  });
};

/** The tenant's completed erasures, oldest first. */
export const erasureAudits = async (clientId: string): Promise<ErasureAudit[]> =>
  listErasureAudits(await tenantOf(z.object({ client_id: platformId }).parse({ client_id: clientId }).client_id));
