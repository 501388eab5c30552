import { randomUUID } from 'node:crypto';
import type { StoredFile } from './files';
import type { ChatUiConversation, ChatUiMessage } from './store';

/** The message `id` of the conversation, if there is one. */
export const findMessage = (
  conversation: ChatUiConversation,
  id: string | undefined,
): ChatUiMessage | undefined =>
  id === undefined ? undefined : conversation.messages.find((m) => m.id === id);

/**
 * Adds a message under `parentId`, as chat-ui's `addChildren`; undefined where chat-ui throws
 * (no such parent, or no parent given once the conversation has messages): a 500. An assistant
 * message carries the `generationId` stop-generating names; a user message its `files`.
 */
export const addChild = (
  conversation: ChatUiConversation,
  from: 'user' | 'assistant',
  content: string,
  parentId: string | undefined,
  extra: { generationId?: string; files?: StoredFile[] } = {},
): ChatUiMessage | undefined => {
  const parent = findMessage(conversation, parentId);
  if (!parent) return undefined;
  const now = new Date();
  // Once a turn is stored, chat-ui's writes give every message an `updates` array, root too.
  for (const message of conversation.messages) message.updates ??= [];
  const message: ChatUiMessage =
    from === 'user'
      ? {
          from,
          content,
          files: extra.files ?? [],
          createdAt: now,
          updatedAt: now,
          ancestors: [...parent.ancestors, parent.id],
          id: randomUUID(),
          children: [],
          updates: [],
        }
      : {
          from,
          content,
          createdAt: now,
          updatedAt: now,
          ancestors: [...parent.ancestors, parent.id],
          id: randomUUID(),
          children: [],
          generationId: extra.generationId,
          updates: [],
        };
  parent.children.push(message.id);
  conversation.messages.push(message);
  return message;
};

/** The messages from the root down to `message`, in order: what the model is prompted with. */
export const pathTo = (
  conversation: ChatUiConversation,
  message: ChatUiMessage,
): ChatUiMessage[] => [
  ...message.ancestors.flatMap((id) => findMessage(conversation, id) ?? []),
  message,
];
