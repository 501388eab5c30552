/** A piece of the answer's text: the model's thinking, or the answer proper. */
export type TextPart = { reasoning: string } | { answer: string };

const OPEN = '<think>';
const CLOSE = '</think>';

// The longest end of `text` that `CLOSE` begins with: it may be a tag split across tokens.
const partialClose = (text: string): number => {
  for (let k = Math.min(CLOSE.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(CLOSE.slice(0, k))) return k;
  }
  return 0;
};

const parts = (reasoning: string, answer: string): TextPart[] => [
  ...(reasoning === '' ? [] : [{ reasoning }]),
  ...(answer === '' ? [] : [{ answer }]),
];

/**
 * Splits an answer's text, token by token, into the thinking of a `<think>…</think>` block that
 * opens it and the answer after it: chat-ui v0.20 streams an OpenAI-compatible backend's
 * reasoning that way, inside the answer's own tokens (and its final text). Tags split across
 * tokens are found; text that does not open with `<think>` is all answer. `end` gives what is
 * held back at the end (a tag's possible start).
 */
export const thinkSplitter = () => {
  let state: 'start' | 'think' | 'answer' = 'start';
  let held = '';
  const think = (text: string): TextPart[] => {
    const close = text.indexOf(CLOSE);
    if (close !== -1) {
      state = 'answer';
      return parts(text.slice(0, close), text.slice(close + CLOSE.length));
    }
    const keep = partialClose(text);
    held = text.slice(text.length - keep);
    return parts(text.slice(0, text.length - keep), '');
  };
  return {
    feed(text: string): TextPart[] {
      if (state === 'answer') return parts('', text);
      const pending = held + text;
      held = '';
      if (state === 'think') return think(pending);
      if (pending.startsWith(OPEN)) {
        state = 'think';
        return think(pending.slice(OPEN.length));
      }
      if (OPEN.startsWith(pending)) {
        held = pending;
        return [];
      }
      state = 'answer';
      return parts('', pending);
    },
    end(): TextPart[] {
      const rest = held;
      held = '';
      return state === 'think' ? parts(rest, '') : parts('', rest);
    },
  };
};
