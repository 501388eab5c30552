interface AcceptPart {
  type: string;
  subtype: string;
  q: number;
  index: number;
}

/** How one comma-separated item of an Accept header is read: type, subtype, q. */
type ItemPattern = RegExp;

// SvelteKit 1.15 (chat-ui as H2O ran it) split on "," and matched each item as it stood: in
// "text/event-stream, application/json" the second type is " application", which matches
// nothing, so a client that sends the space gets HTML error pages.
const untrimmedItem: ItemPattern = /([^/]+)\/([^;]+)(?:;q=([0-9.]+))?/;
// Later SvelteKit (today's chat-ui) skips the blanks around each part.
const trimmedItem: ItemPattern = /([^/ \t]+)\/([^; \t]+)[ \t]*(?:;[ \t]*q=([0-9.]+))?/;

const parseAccept = (accept: string, item: ItemPattern): AcceptPart[] =>
  accept
    .split(',')
    .flatMap((text, index) => {
      const match = item.exec(text);
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

const negotiator =
  (item: ItemPattern) =>
  (accept: string, types: string[]): string | undefined => {
    const parts = parseAccept(accept, item);
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

/**
 * Which of `types` an Accept header prefers, the way today's SvelteKit decides it (ties go to
 * the earlier type, blanks around items ignored), or undefined when none is acceptable.
 */
export const negotiate = negotiator(trimmedItem);

/**
 * The same choice as SvelteKit 1.15 made it: items are not trimmed, so a type after ", " is
 * never acceptable.
 */
export const negotiateUntrimmed = negotiator(untrimmedItem);
