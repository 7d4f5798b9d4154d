/**
 * What S3 does with a presigned POST's policy, for the local S3 that does not: whether a form
 * (its fields and file size) at a given time is one the signed policy admits. S3's rules: the
 * policy has not expired; every condition holds (an object is an exact match, `eq` and
 * `starts-with` name a field with `$`, `content-length-range` bounds the file); and every field of
 * the form except the signature, the policy, the file and `x-ignore-*` is named by a condition.
 */
type Condition = Record<string, string> | [string, string | number, string | number];

export interface PostPolicy {
  expiration: string;
  conditions: Condition[];
}

export const decodePolicy = (fields: Record<string, string>): PostPolicy => JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));

const UNCHECKED = new Set(['policy', 'x-amz-signature', 'file']);

/** The reason S3 would refuse the form, or undefined when it would store the file. */
export const policyRefusal = (policy: PostPolicy, form: Record<string, string>, fileSize: number, at = new Date()): string | undefined => {
  if (at.getTime() >= Date.parse(policy.expiration)) return 'policy expired';
  const value = (name: string) => Object.entries(form).find(([field]) => field.toLowerCase() === name.replace(/^\$/, '').toLowerCase())?.[1];
  const named = new Set<string>();
  for (const condition of policy.conditions) {
    if (!Array.isArray(condition)) {
      const [[field, expected]] = Object.entries(condition) as [[string, string]];
      named.add(field.toLowerCase());
      if (value(field) !== expected) return `${field} is not ${expected}`;
      continue;
    }
    const [operator, left, right] = condition;
    if (operator === 'content-length-range') {
      if (fileSize < Number(left) || fileSize > Number(right)) return `file of ${fileSize} bytes is outside ${left}..${right}`;
      continue;
    }
    const field = String(left);
    named.add(field.replace(/^\$/, '').toLowerCase());
    const actual = value(field) ?? '';
    if (operator === 'eq' && actual !== right) return `${field} is not ${right}`;
    if (operator === 'starts-with' && !actual.startsWith(String(right))) return `${field} does not start with ${right}`;
  }
  const unnamed = Object.keys(form).filter((field) => !UNCHECKED.has(field.toLowerCase()) && !field.toLowerCase().startsWith('x-ignore-') && !named.has(field.toLowerCase()));
  return unnamed.length > 0 ? `fields not in the policy: ${unnamed.join(', ')}` : undefined;
};
