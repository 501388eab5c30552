import { randomUUID } from 'node:crypto';
import { createObjectIds } from '../shared/object-id';
import { DEFAULT_LIMITS, evict, touch, type StoreLimits } from '../shared/lru';
import type { Session } from '../shared/sessions';
import type { StoredFile } from './files';
import type { GenerationRun, StoredUpdate } from './run';

/** A message of a conversation's tree, its fields in the order chat-ui stores them. */
export interface ChatUiMessage {
  from: 'system' | 'user' | 'assistant';
  content: string;
  files?: StoredFile[];
  createdAt: Date;
  updatedAt: Date;
  ancestors: string[];
  id: string;
  children: string[];
  generationId?: string;
  updates?: StoredUpdate[];
  /** What a reasoning model thought, from its `reasoning` stream updates. */
  reasoning?: string;
  interrupted?: boolean;
  materializedSeq?: number;
  /**
   * An answer whose generation the server has not saved yet (it saves the whole messages array
   * after `finished`): its stored content is still empty for a request that loads it now.
   */
  unsaved?: boolean;
}

/** Ends a stream in flight early, as stop-generating does; `seen` cuts the answer. */
export type StreamStop = (seenContentLength?: number) => void;

/** A conversation: a tree of messages under a `system` root. */
export interface ChatUiConversation {
  id: string;
  sessionId: string;
  model: string;
  /** The system prompt: the root message's content, and what the model is prompted with. */
  preprompt: string;
  title: string;
  updatedAt: Date;
  rootMessageId: string;
  messages: ChatUiMessage[];
  /** The streams in flight: stop-generating calls them. */
  streams: Set<StreamStop>;
  /** Every generation of the conversation, oldest first: what the resume channel reads. */
  runs: GenerationRun[];
}

/** What the server keeps for one session: its settings, and its messages for the rate limit. */
export interface ChatUiUser extends Session {
  shareConversationsWithModelAuthors: boolean;
  welcomeModalSeenAt: Date | null;
}

/** The emulator's chat-ui sessions and conversations, in memory. */
export interface ChatUiStore {
  /** The session's record, created on first use: any cookie value is a session. */
  user(sessionId: string): ChatUiUser;
  /** A new conversation of `sessionId`, holding only its root message (`preprompt` its content). */
  createConversation(sessionId: string, model: string, preprompt?: string): ChatUiConversation;
  /** The conversation `id` (lower-case hex), whoever owns it. */
  conversation(id: string): ChatUiConversation | undefined;
  /** The conversations `sessionId` owns, newest first. */
  conversationsOf(sessionId: string): ChatUiConversation[];
  deleteConversation(id: string): void;
}

// A conversation with an answer on its way (its client may be gone) is never dropped.
const isGenerating = (conversation: ChatUiConversation): boolean =>
  conversation.streams.size > 0 || conversation.runs.some((run) => run.status === 'running');

/**
 * Creates an empty {@link ChatUiStore}; `defaultModel` is a new session's active model. Past
 * `limits` the least recently used sessions and conversations are dropped, never one that is
 * generating.
 */
export const createChatUiStore = (
  defaultModel: string,
  limits: StoreLimits = DEFAULT_LIMITS,
): ChatUiStore => {
  const users = new Map<string, ChatUiUser>();
  const conversations = new Map<string, ChatUiConversation>();
  const nextId = createObjectIds();
  return {
    user: (sessionId) => {
      let found = touch(users, sessionId);
      if (!found) {
        found = {
          accepted: true,
          activeModel: defaultModel,
          messageTimes: [],
          shareConversationsWithModelAuthors: true,
          welcomeModalSeenAt: null,
        };
        users.set(sessionId, found);
        evict(users, limits.sessions, () => false);
      }
      return found;
    },
    createConversation: (sessionId, model, preprompt = '') => {
      const now = new Date();
      const root: ChatUiMessage = {
        from: 'system',
        content: preprompt,
        createdAt: now,
        updatedAt: now,
        ancestors: [],
        id: randomUUID(),
        children: [],
      };
      const conversation: ChatUiConversation = {
        id: nextId(),
        sessionId,
        model,
        preprompt,
        title: 'New Chat',
        updatedAt: now,
        rootMessageId: root.id,
        messages: [root],
        streams: new Set(),
        runs: [],
      };
      conversations.set(conversation.id, conversation);
      evict(conversations, limits.conversations, isGenerating);
      return conversation;
    },
    conversation: (id) => touch(conversations, id),
    conversationsOf: (sessionId) =>
      [...conversations.values()]
        .filter((c) => c.sessionId === sessionId)
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()),
    deleteConversation: (id) => {
      conversations.delete(id);
    },
  };
};
