// Maps kept in least-recently-used order: a Map iterates in insertion order, so re-inserting an
// entry on use moves it to the end, and the oldest entries come first.

/** Marks `key` as just used. */
export const touch = <K, V>(map: Map<K, V>, key: K): V | undefined => {
  const value = map.get(key);
  if (value === undefined) return undefined;
  map.delete(key);
  map.set(key, value);
  return value;
};

/** Drops the least recently used entries until at most `max` are left, skipping busy ones. */
export const evict = <K, V>(map: Map<K, V>, max: number, busy: (value: V) => boolean): void => {
  for (const [key, value] of map) {
    if (map.size <= max) return;
    if (!busy(value)) map.delete(key);
  }
};

/** How many sessions and conversations a store keeps by default. */
export const DEFAULT_LIMITS = { sessions: 10_000, conversations: 10_000 };

/** The bounds of a store. */
export interface StoreLimits {
  sessions: number;
  conversations: number;
}
