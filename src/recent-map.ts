/**
 * Keeps `value` under `key` as the most recently used entry of `map`, dropping the least recently
 * used one once the map holds more than `limit`: a Map iterates in insertion order, so re-inserting
 * marks an entry as recent and the first key is always the oldest.
 */
export function rememberRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
