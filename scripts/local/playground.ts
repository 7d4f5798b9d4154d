import { participantLabel } from '../../playground/labels';
import { DEFAULT_PARTICIPANTS } from '../../playground/session';

/** The playground's address on a local stack (the stack itself serves the page). */
export const playgroundUrl = (baseUrl: string): string => `${baseUrl}/playground`;

/** What `npm start` prints about the playground. */
export const playgroundBanner = (baseUrl: string): string => {
  const [first, second] = DEFAULT_PARTICIPANTS;
  const who = `${participantLabel(first.role, first.user_id)} and ${participantLabel(second.role, second.user_id)} of tenant ${first.client_id}`;
  return `Playground: ${playgroundUrl(baseUrl)} (${who}, live; API docs at ${playgroundUrl(baseUrl)}/docs)`;
};
