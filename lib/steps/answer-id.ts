import { chatUiAnswerId } from './history';

/**
 * Where the next turn of a chat-ui conversation goes: a message whose id is known, or the
 * answer of a generation this client started (the stream never names the answer), falling
 * back to where that generation's turn went if the server did not store it.
 */
export type Tip =
  { readonly id: string } | { readonly generationId: string; readonly previous: Tip };

/** The id of the message `tip` names in the stored `conversation`; `rootId` when none is. */
export const tipIn = (conversation: Record<string, unknown>, tip: Tip, rootId: string): string => {
  for (let t: Tip | undefined = tip; t; t = 'id' in t ? undefined : t.previous) {
    if ('id' in t) return t.id;
    const id = chatUiAnswerId(conversation, t.generationId);
    if (id !== undefined) return id;
  }
  return rootId;
};
