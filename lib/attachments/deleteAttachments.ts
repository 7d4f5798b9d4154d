import type { TimeBudget } from '../cleanup/budget';
import { deleteObjects, deleteObjectsPage } from '../store/attachmentObjects';
import { roomObjectsPrefix, sentObjectKey, type TenantKeyScope } from '../store/keys';

/**
 * Delete the files one message holds (its own copies, lib/attachments/sendAttachments.ts): for a
 * deleted message, or a send refused after the copies were made. One S3 DeleteObjects (free of
 * charge); a file already gone is no error, so this may be repeated.
 */
export const deleteAttachments = async (
  tenant: TenantKeyScope,
  roomId: string,
  messageId: string,
  attachments: readonly { _id: string }[],
): Promise<void> => {
  if (attachments.length === 0) return;
  await deleteObjects(
    tenant,
    attachments.map((attachment) => sentObjectKey(tenant, roomId, messageId, attachment._id)),
  );
};

/**
 * Delete every file sent in the room incarnation `roomId`, a page (up to 1000) at a time, for the
 * cleanup cascade: its cost grows with the room's files, never with the bucket. False when the
 * budget ran out first; the next pass resumes (the listing shows only what is left). Unsent
 * uploads are not here: the bucket's lifecycle rule deletes them after a day.
 */
export const deleteRoomAttachments = async (tenant: TenantKeyScope, roomId: string, budget: TimeBudget): Promise<{ complete: boolean; deleted: number }> => {
  let deleted = 0;
  for (;;) {
    if (budget.exhausted()) return { complete: false, deleted };
    const page = await deleteObjectsPage(tenant, roomObjectsPrefix(tenant, roomId));
    deleted += page.deleted;
    if (!page.more) return { complete: true, deleted };
  }
};
