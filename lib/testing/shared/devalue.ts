// Characters devalue writes as escapes, so its output can sit inside a <script> tag.
const escapes: Record<string, string> = {
  '<': '\\u003C',
  '>': '\\u003E',
  '/': '\\u002F',
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// Other control characters become \uXXXX, as devalue writes them.
const escapeChar = (c: string): string =>
  escapes[c] ?? (c < ' ' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c);

const quote = (text: string): string => `"${Array.from(text, escapeChar).join('')}"`;

// devalue's markers for values that have no JSON form.
const UNDEFINED = -1;

/**
 * `value` in devalue's flat form, as SvelteKit's `__data.json` carries it: one array of every
 * value, depth first, each object or array holding the indexes of its members; equal primitives
 * share one entry, objects one per instance; `undefined` is -1, a Date `["Date",iso]`.
 */
export const devalueFlat = (value: unknown): string => {
  const out: string[] = [];
  const indexes = new Map<unknown, number>();
  const flatten = (thing: unknown): number => {
    if (thing === undefined) return UNDEFINED;
    const known = indexes.get(thing);
    if (known !== undefined) return known;
    const index = out.length;
    out.push('');
    indexes.set(thing, index);
    let text: string;
    if (thing instanceof Date) text = `["Date","${thing.toISOString()}"]`;
    else if (Array.isArray(thing)) text = `[${thing.map(flatten).join(',')}]`;
    else if (typeof thing === 'string') text = quote(thing);
    else if (thing !== null && typeof thing === 'object') {
      text = `{${Object.entries(thing)
        .map(([key, member]) => `${quote(key)}:${flatten(member)}`)
        .join(',')}}`;
    } else text = JSON.stringify(thing);
    out[index] = text;
    return index;
  };
  flatten(value);
  return `[${out.join(',')}]`;
};
