import type { ChatUiConversation, ChatUiMessage, ChatUiUser } from './store';
import { objectId, superjson, type SuperJson } from './superjson';

// Optional fields a message does not have are absent, not undefined: superjson would write null.
const defined = (entries: [string, unknown][]): Record<string, unknown> =>
  Object.fromEntries(entries.filter(([, value]) => value !== undefined));

const messageView = (message: ChatUiMessage): Record<string, unknown> =>
  message.from === 'system'
    ? defined([
        ['id', message.id],
        ['from', message.from],
        ['content', message.content],
        ['createdAt', message.createdAt],
        ['updatedAt', message.updatedAt],
        ['children', message.children],
        ['ancestors', message.ancestors],
        ['updates', message.updates],
      ])
    : // `unsaved` is the emulator's own note, not a stored field.
      defined(Object.entries(message).filter(([name]) => name !== 'unsaved'));

/**
 * A conversation as `GET /api/v2/conversations/<id>` answers it (and `POST /conversation` embeds
 * it, as a string): superjson, `rootMessageId` only where the server is new enough to write it.
 */
export const conversationView = (
  conversation: ChatUiConversation,
  withRootMessageId: boolean,
): SuperJson =>
  superjson({
    messages: conversation.messages.map(messageView),
    title: conversation.title,
    model: conversation.model,
    preprompt: conversation.preprompt,
    ...(withRootMessageId ? { rootMessageId: conversation.rootMessageId } : {}),
    id: conversation.id,
    updatedAt: conversation.updatedAt,
    modelId: conversation.model,
    shared: false,
    deployedSpaces: undefined,
  });

/** The session's conversations, as `GET /api/v2/conversations` lists them. */
export const conversationListView = (conversations: ChatUiConversation[]): SuperJson =>
  superjson({
    conversations: conversations.map((conversation) => {
      // One ObjectId under two names: superjson notes the second as a referential equality.
      const id = objectId(conversation.id);
      return {
        _id: id,
        id,
        title: conversation.title,
        updatedAt: conversation.updatedAt,
        model: conversation.model,
        modelId: conversation.model,
      };
    }),
    hasMore: false,
  });

/** A conversation as the older `GET /api/conversation/<id>` answers it: plain JSON. */
export const conversationV1View = (conversation: ChatUiConversation): Record<string, unknown> => ({
  id: conversation.id,
  title: conversation.title,
  updatedAt: conversation.updatedAt.toISOString(),
  modelId: conversation.model,
  messages: conversation.messages.map((message) =>
    defined([
      ['content', message.content],
      ['from', message.from],
      ['id', message.id],
      ['createdAt', message.createdAt.toISOString()],
      ['updatedAt', message.updatedAt.toISOString()],
      ['files', message.files],
      ['updates', message.updates],
    ]),
  ),
});

/** The session's settings, as `GET /api/v2/user/settings` answers them. */
export const userSettingsView = (user: ChatUiUser): SuperJson =>
  superjson({
    welcomeModalSeen: user.welcomeModalSeenAt !== null,
    welcomeModalSeenAt: user.welcomeModalSeenAt,
    activeModel: user.activeModel,
    streamingMode: 'smooth',
    directPaste: false,
    hapticsEnabled: true,
    hidePromptExamples: {},
    shareConversationsWithModelAuthors: user.shareConversationsWithModelAuthors,
    customPrompts: {},
    customPromptsEnabled: {},
    multimodalOverrides: {},
    toolsOverrides: {},
    artifactsOverrides: {},
    providerOverrides: {},
    reasoningEffortOverrides: {},
    reasoningOverrides: {},
    billingOrganization: undefined,
  });
