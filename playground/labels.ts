/** How the playground names participants ("Agent 133", "Customer 1"); the page gets the names in its config. */
export const ROLE_NAMES: Readonly<Record<string, string>> = { agent: 'Agent', user: 'Customer', vendor: 'Vendor', admin: 'Admin' };

export const participantLabel = (role: string, userId: string): string => `${ROLE_NAMES[role] ?? role} ${userId}`;
