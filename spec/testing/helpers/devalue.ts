/** Reads devalue's flat form back (the subset SvelteKit's page data uses: objects, arrays, Dates). */
export const undevalue = (flat: unknown[]): unknown => {
  const hydrated = new Map<number, unknown>();
  const at = (index: number): unknown => {
    if (index === -1) return undefined;
    if (hydrated.has(index)) return hydrated.get(index);
    const raw = flat[index];
    let value: unknown = raw;
    if (Array.isArray(raw) && raw[0] === 'Date') value = new Date(raw[1] as string);
    else if (Array.isArray(raw)) value = raw.map((i) => at(i as number));
    else if (raw !== null && typeof raw === 'object') {
      value = Object.fromEntries(
        Object.entries(raw).map(([key, i]) => [key, at(i as number)] as const),
      );
    }
    hydrated.set(index, value);
    return value;
  };
  return at(0);
};

/** The nodes of a `__data.json` body: each data node's value read back, others as they are. */
export const pageNodes = (body: string): unknown[] =>
  (JSON.parse(body) as { nodes: unknown[] }).nodes.map((node) => {
    const n = node as { type?: string; data?: unknown[] } | null;
    return n?.type === 'data' ? undevalue(n.data!) : n;
  });
