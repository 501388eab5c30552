interface AcceptPart {
  type: string;
  subtype: string;
  q: number;
  index: number;
}

const parseAccept = (accept: string): AcceptPart[] =>
  accept
    .split(',')
    .flatMap((item, index) => {
      const match = /([^/ \t]+)\/([^; \t]+)[ \t]*(?:;[ \t]*q=([0-9.]+))?/.exec(item);
      return match
        ? [{ type: match[1], subtype: match[2], q: Number(match[3] ?? '1'), index }]
        : [];
    })
    .sort((a, b) => {
      if (a.q !== b.q) return b.q - a.q;
      if ((a.subtype === '*') !== (b.subtype === '*')) return a.subtype === '*' ? 1 : -1;
      if ((a.type === '*') !== (b.type === '*')) return a.type === '*' ? 1 : -1;
      return a.index - b.index;
    });

/**
 * Which of `types` an Accept header prefers, the way SvelteKit decides it (ties go to the
 * earlier type), or undefined when none is acceptable.
 */
export const negotiate = (accept: string, types: string[]): string | undefined => {
  const parts = parseAccept(accept);
  let chosen: string | undefined;
  let best = Infinity;
  for (const mimetype of types) {
    const [type, subtype] = mimetype.split('/');
    const rank = parts.findIndex(
      (part) =>
        (part.type === type || part.type === '*') &&
        (part.subtype === subtype || part.subtype === '*'),
    );
    if (rank !== -1 && rank < best) {
      chosen = mimetype;
      best = rank;
    }
  }
  return chosen;
};
