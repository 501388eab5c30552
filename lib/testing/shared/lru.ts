/** The bounds of what an emulator keeps, so that a long-running one does not grow forever. */
export interface StoreLimits {
  sessions: number;
  conversations: number;
}

/** The default bounds: far above any test's needs, small enough for days of use. */
export const DEFAULT_LIMITS: StoreLimits = { sessions: 10_000, conversations: 10_000 };

/**
 * A Map that keeps at most `limit` entries, dropping the least recently used: `get` and `set`
 * count as a use. Only what the stores need of a Map.
 */
export interface LruMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  values(): IterableIterator<V>;
  readonly size: number;
}

/** Creates an empty {@link LruMap}. */
export const createLruMap = <K, V>(limit: number): LruMap<K, V> => {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest use first.
  const map = new Map<K, V>();
  return {
    get: (key) => {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set: (key, value) => {
      map.delete(key);
      map.set(key, value);
      while (map.size > limit) map.delete(map.keys().next().value as K);
    },
    delete: (key) => {
      map.delete(key);
    },
    values: () => map.values(),
    get size() {
      return map.size;
    },
  };
};
