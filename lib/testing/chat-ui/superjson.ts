/** A MongoDB ObjectId in a value given to {@link superjson}: written as hex, typed in `meta`. */
export interface ObjectIdValue {
  readonly objectId: string;
}

/** Marks `hex` as an ObjectId for {@link superjson}; reuse one mark where the server does. */
export const objectId = (hex: string): ObjectIdValue => ({ objectId: hex });

const isObjectId = (value: unknown): value is ObjectIdValue =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 1 &&
  typeof (value as ObjectIdValue).objectId === 'string';

/** What superjson's `serialize` returns. */
export interface SuperJson {
  json: unknown;
  meta?: {
    values?: Record<string, unknown[]>;
    referentialEqualities?: Record<string, string[]>;
    v: 1;
  };
}

/**
 * `value` as superjson writes it (chat-ui's API answers are superjson): Dates become ISO strings
 * and undefined becomes null, each noted by path in `meta.values`; an ObjectId met twice is
 * noted in `meta.referentialEqualities`. Only what chat-ui's answers hold is supported.
 */
export const superjson = (value: unknown): SuperJson => {
  const values: Record<string, unknown[]> = {};
  const equalities: Record<string, string[]> = {};
  const seen = new Map<object, string>();
  const walk = (item: unknown, path: string[]): unknown => {
    const at = path.join('.');
    if (item instanceof Date) {
      values[at] = ['Date'];
      return item.toISOString();
    }
    if (item === undefined) {
      values[at] = ['undefined'];
      return null;
    }
    if (isObjectId(item)) {
      const first = seen.get(item);
      if (first === undefined) seen.set(item, at);
      else (equalities[first] ??= []).push(at);
      values[at] = [['custom', 'ObjectId']];
      return item.objectId;
    }
    if (Array.isArray(item)) return item.map((entry, i) => walk(entry, [...path, String(i)]));
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(
        Object.entries(item).map(([key, entry]) => [key, walk(entry, [...path, key])]),
      );
    }
    return item;
  };
  const json = walk(value, []);
  const hasValues = Object.keys(values).length > 0;
  const hasEqualities = Object.keys(equalities).length > 0;
  if (!hasValues && !hasEqualities) return { json };
  return {
    json,
    meta: {
      ...(hasValues ? { values } : {}),
      ...(hasEqualities ? { referentialEqualities: equalities } : {}),
      v: 1,
    },
  };
};
