// Files in a conversation. A chosen file gets an upload form from the API and goes with it
// straight to the local S3 (as a browser posts to the bucket on AWS, never through the API); a
// message then names it. A message's files show as thumbnails (images) or named links (others),
// from the download URLs the API issued to this reader.
import { call, describeError } from './api.js';
import { h } from './dom.js';

/**
 * Uploads `file` for the room: `{attachment}` once S3 has it, or `{error}` saying why not (the
 * API's refusal as it returned it, or S3's).
 */
export async function uploadFile(roomId, token, file) {
  const reply = await call('POST', `/api/v1/chat/rooms/${roomId}/attachments`, {
    token,
    // The API judges the type as the browser reports it; a file it cannot name is octet-stream, as S3 would label it.
    body: { name: file.name, content_type: file.type || 'application/octet-stream', size: file.size },
  });
  if (!reply.ok) return { error: describeError(reply) };
  const { attachment, upload } = reply.json;
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  // The file last: S3 ignores every field after it.
  form.append('file', file, file.name);
  try {
    const stored = await fetch(upload.url, { method: 'POST', body: form });
    if (!stored.ok) return { error: `S3 refused the upload of ${file.name}: ${stored.status} ${stored.statusText} ${(await stored.text()).slice(0, 300)}`.trim() };
  } catch (error) {
    return { error: `Could not upload ${file.name} to ${upload.url}: ${error}` };
  }
  return { attachment };
}

/** Uploads a file chosen in a pane for its room: the attachment, or undefined once the pane shows why not. */
export async function attachFile(pane, file) {
  if (!pane.room) {
    pane.view.showError('Start a chat first.');
    return undefined;
  }
  const { attachment, error } = await uploadFile(pane.room._id, pane.token, file);
  if (error) {
    pane.view.showError(error);
    return undefined;
  }
  pane.view.clearError();
  return attachment;
}

const sizeText = (bytes) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** A message's files: images inline as thumbnails (opening the full image), others as a link named after the file. */
export function attachmentsView(attachments) {
  return h('div', { class: 'files' },
    ...attachments.map((file) =>
      file.content_type.startsWith('image/')
        ? h('a', { class: 'thumb', href: file.url, target: '_blank', rel: 'noopener noreferrer' }, h('img', { src: file.url, alt: file.name }))
        : h('span', { class: 'file' },
            h('a', { href: file.url, target: '_blank', rel: 'noopener noreferrer' }, file.name),
            h('span', { class: 'size' }, ` ${sizeText(file.size)}`),
          ),
    ),
  );
}
