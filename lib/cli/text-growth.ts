/** How text already written to a terminal becomes `text`: more of it, or it written anew. */
export type Growth = { append: string } | { rewrite: string };

/**
 * What to write after `shown` to show `text` (the answer so far, from `h2oText`). A terminal
 * cannot take back what it printed: when the server's final text is not a continuation of what
 * streamed (today's chat-ui re-runs a failed backend call and streams its first tokens again),
 * the whole final text is written again.
 */
export const growth = (shown: string, text: string): Growth =>
  text.startsWith(shown) ? { append: text.slice(shown.length) } : { rewrite: text };
