/**
 * Builds a DynamoDB `SET` update expression with placeholder names and values,
 * so attribute names never collide with reserved words (`status`, `type`, …).
 */
export class UpdateExpression {
  private readonly clauses: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  /** Each attribute's placeholder, so naming one again is a lookup, not a scan of `names`. */
  private readonly placeholders = new Map<string, string>();
  private valueCount = 0;

  /** A placeholder for `attribute` (reused if already named). */
  name(attribute: string): string {
    let placeholder = this.placeholders.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#a${this.placeholders.size}`;
      this.placeholders.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
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
