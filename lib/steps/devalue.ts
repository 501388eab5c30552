// devalue's markers for values JSON cannot hold.
const specials: Record<number, unknown> = {
  [-1]: undefined,
  [-2]: undefined, // a hole in an array
  [-3]: NaN,
  [-4]: Infinity,
  [-5]: -Infinity,
  [-6]: -0,
};

/**
 * Rebuilds a value SvelteKit sent with devalue (a `__data.json` node's `data`): one flat array
 * whose first entry is the value, objects and arrays holding the indexes of their members, and
 * typed values as `["Date", iso]` and kin (a Date becomes its ISO text; other types, which a
 * conversation does not hold, stay as sent). Shared and cyclic references are rebuilt once.
 */
export const unflatten = (data: readonly unknown[]): unknown => {
  const made = new Map<number, unknown>();
  const at = (index: number): unknown => {
    if (index in specials) return specials[index];
    if (made.has(index)) return made.get(index);
    const raw = data[index];
    if (raw === null || typeof raw !== 'object') {
      made.set(index, raw);
      return raw;
    }
    if (Array.isArray(raw)) {
      if (typeof raw[0] === 'string') {
        // A typed value: ["Date", iso] is all a conversation holds.
        const value = raw[0] === 'Date' ? String(raw[1]) : raw;
        made.set(index, value);
        return value;
      }
      const array: unknown[] = [];
      made.set(index, array);
      for (const member of raw) array.push(typeof member === 'number' ? at(member) : undefined);
      return array;
    }
    const object: Record<string, unknown> = {};
    made.set(index, object);
    for (const [key, member] of Object.entries(raw as Record<string, unknown>)) {
      object[key] = typeof member === 'number' ? at(member) : undefined;
    }
    return object;
  };
  return data.length === 0 ? undefined : at(0);
};
