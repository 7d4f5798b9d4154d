import { httpApi } from '../../lib/http/httpApi';
import { json } from '../../lib/http/responses';
import { erasePersonForAdmin } from '../../lib/privacy/erasePerson';
import { erasePersonRequest, type ErasePersonRequest } from '../../lib/privacy/privacyRequests';
import type { ErasePersonResponse } from '../../lib/privacy/privacySchemas';

/**
 * What is left of the function's time when the erasure stops starting new steps: enough for the
 * step under way and the answer. An erasure that needs longer answers `in_progress`, and the same
 * request sent again resumes it.
 */
const RESERVE_MS = 3_000;

/** POST /api/v1/chat/privacy/erasures — a tenant admin erases one person's chat data. */
export const handler = httpApi<ErasePersonRequest>({ body: erasePersonRequest, tenantFrom: 'token' }).handler(async (event, context) => {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS;
  const erasure = await erasePersonForAdmin(event.tenant, event.actor, event.body, deadline);
  return json(200, {
    message: erasure.status === 'complete' ? 'Personal data erased' : 'Erasure in progress: send the same request again to continue',
    erasureData: erasure,
    status: 200,
  } satisfies ErasePersonResponse);
});
