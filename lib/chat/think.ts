import type { ChatMessage, ChatPart, ChatState } from './state';

// A `<think>` block, closed or still open at the end (as chat-ui's own front end reads them).
const thinkBlock = /(<think>[\s\S]*?(?:<\/think>|$))/gi;

/**
 * A text part with its `<think>` blocks as reasoning parts. Today's chat-ui sends an OpenAI
 * backend's reasoning inside the answer's text (`<think>…</think>` before the answer, in the
 * tokens and in the final text); its front end shows it apart, and so does the chat. A block
 * still open is reasoning that streams while its text part does; text that is only spaces
 * between blocks is left out.
 */
const split = (part: ChatPart): ChatPart[] => {
  if (part.type !== 'text' || !/<think>/i.test(part.text)) return [part];
  return part.text.split(thinkBlock).flatMap((piece): ChatPart[] => {
    if (piece === '') return [];
    if (!/^<think>/i.test(piece)) {
      return piece.trim() === '' ? [] : [{ type: 'text', text: piece, state: part.state }];
    }
    const closed = /<\/think>$/i.test(piece);
    return [
      {
        type: 'reasoning',
        text: piece.slice(7, closed ? -8 : undefined),
        state: closed ? 'done' : part.state,
      },
    ];
  });
};

const shown = new WeakMap<ChatMessage, ChatMessage>();

// One view per message object: an unchanged message is the same object in every state.
const messageView = (message: ChatMessage): ChatMessage => {
  const known = shown.get(message);
  if (known) return known;
  const view = message.parts.some((p) => p.type === 'text' && /<think>/i.test(p.text))
    ? { ...message, parts: message.parts.flatMap(split) }
    : message;
  shown.set(message, view);
  return view;
};

/**
 * A chat state as it is shown: each answer's `<think>` blocks (see above) as reasoning parts.
 * Pure, and the same object for a message that did not change.
 */
export const withThinkBlocks = (state: ChatState): ChatState => {
  const messages = state.messages.map(messageView);
  return messages.every((m, i) => m === state.messages[i]) ? state : { ...state, messages };
};
