/**
 * Builds a DynamoDB `SET` update expression with placeholder names and values,
 * so attribute names never collide with reserved words (`status`, `type`, …).
 */
export class UpdateExpression {
  private readonly clauses: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  /** A placeholder for `attribute` (reused if already named). */
  name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, value]) => value === attribute);
    if (existing) return existing[0];
    const placeholder = `#a${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `attribute = value`, every time. */
  set(attribute: string, value: unknown): this {
    this.clauses.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** `attribute = value` only if the item has no such attribute yet (first write wins). */
  setIfAbsent(attribute: string, value: unknown): this {
    const name = this.name(attribute);
    this.clauses.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  /** `target = source`: the source's value before this update (the update reads the item as it was). */
  copy(target: string, source: string): this {
    this.clauses.push(`${this.name(target)} = ${this.name(source)}`);
    return this;
  }

  toString(): string {
    return `SET ${this.clauses.join(', ')}`;
  }
}
