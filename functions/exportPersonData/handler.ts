import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';
import { httpApi } from '../../lib/http/httpApi';
import { json } from '../../lib/http/responses';
import { exportPersonForAdmin } from '../../lib/privacy/exportPerson';
import { exportPersonRequest, type ExportPersonRequest } from '../../lib/privacy/privacyRequests';
import type { ExportPersonResponse } from '../../lib/privacy/privacySchemas';

/** POST /api/v1/chat/privacy/exports — a tenant admin exports one person's chat data, a page of rooms at a time. */
export const handler = httpApi<ExportPersonRequest>({ body: exportPersonRequest, tenantFrom: 'token', secrets: cursorSecretFromSsm() }).handler(
  async (event) => {
    const page = await exportPersonForAdmin(event.tenant, event.actor, event.body);
    return json(200, {
      message: 'Personal data exported',
      exportData: page.exportData,
      next_cursor: page.nextCursor,
      status: 200,
    } satisfies ExportPersonResponse);
  },
);
