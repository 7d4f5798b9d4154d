/** One Query page: how many items the store examines, and the key a previous page ended at. */
export interface PageRequest {
  limit: number;
  startKey?: Record<string, unknown>;
}
