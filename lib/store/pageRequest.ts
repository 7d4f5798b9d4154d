/** One Query page: how many items the store examines, and the key a previous page ended at. */
export interface PageRequest {
  limit: number;
  startKey?: Record<string, unknown>;
}

/**
 * What a continuation key must be to continue one Query: exactly these attributes, the partition
 * attribute(s) equal to the queried value(s), each sort attribute accepted by its test. A key that
 * fails (another partition, a missing or empty attribute, an extra one) would make the store refuse
 * the request or, worse, page something else; paging refuses it first.
 */
export interface PageKeyShape {
  partition: Record<string, string>;
  sort: Record<string, (value: string | number) => boolean>;
}

export const fitsPageKey = (shape: PageKeyShape, key: Record<string, string | number>): boolean => {
  const expected = [...Object.keys(shape.partition), ...Object.keys(shape.sort)];
  const actual = Object.keys(key);
  if (actual.length !== expected.length || !expected.every((attribute) => Object.hasOwn(key, attribute))) return false;
  return (
    Object.entries(shape.partition).every(([attribute, value]) => key[attribute] === value) &&
    Object.entries(shape.sort).every(([attribute, test]) => test(key[attribute]!))
  );
};
