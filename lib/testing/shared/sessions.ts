import { DEFAULT_LIMITS, evict, touch, type StoreLimits } from './lru';
import { createObjectIds } from './object-id';

/** What the server keeps for one `hf-chat` session. */
export interface Session {
  /** The welcome modal was accepted (settings posted with `ethicsModalAccepted`). */
  accepted: boolean;
  activeModel?: string;
  /** When the welcome modal was accepted. */
  acceptedAt?: Date;
  /** The settings form's `shareConversationsWithModelAuthors`. */
  shareConversationsWithModelAuthors?: boolean;
  /** When each message the rate limit counts was accepted (ms since epoch). */
  messageTimes: number[];
}

/** A stored message of a dialect-`h2o` conversation, its fields as chat-ui (2023) keeps them. */
export interface H2oMessage {
  from: 'user' | 'assistant';
  content: string;
  id: string;
  /** Absent on a user message stored by a retry, as chat-ui wrote it. */
  createdAt?: Date;
  updatedAt: Date;
  /** Answers only: the request's `options.web_search_id`. */
  webSearchId?: string;
}

/** A conversation, its history and the streams open on it. */
export interface Conversation {
  id: string;
  sessionId: string;
  model: string;
  title: string;
  updatedAt: Date;
  /** The stored history, oldest first. */
  messages: H2oMessage[];
  /** The streams in flight: a conversation that is generating is never dropped. */
  streams: Set<() => void>;
}

/** The emulator's sessions and conversations, in memory. */
export interface Store {
  /** The session, created on first use: any cookie value is a session, as on the real server. */
  session(id: string): Session;
  /** The session if it exists, without creating it. */
  findSession(id: string): Session | undefined;
  /** The conversations `sessionId` owns, most recently updated first. */
  conversationsOf(sessionId: string): Conversation[];
  /** A new conversation owned by `sessionId`. */
  createConversation(sessionId: string, model: string): Conversation;
  /** The conversation `id` (lower-case hex) if `sessionId` owns it. */
  ownedConversation(id: string, sessionId: string): Conversation | undefined;
  deleteConversation(id: string): void;
}

/**
 * Creates an empty {@link Store}, bounded by `limits`: past them the least recently used
 * sessions and conversations are dropped, never a conversation that is generating.
 */
export const createStore = (limits: StoreLimits = DEFAULT_LIMITS): Store => {
  const sessions = new Map<string, Session>();
  const conversations = new Map<string, Conversation>();
  const nextId = createObjectIds();
  const session = (id: string): Session => {
    let found = touch(sessions, id);
    if (!found) {
      sessions.set(id, (found = { accepted: false, messageTimes: [] }));
      evict(sessions, limits.sessions, () => false);
    }
    return found;
  };
  return {
    session,
    findSession: (id) => touch(sessions, id),
    // Newest first, as the layout lists them; the later-created first among equal times.
    conversationsOf: (sessionId) =>
      [...conversations.values()]
        .filter((c) => c.sessionId === sessionId)
        .reverse()
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()),
    createConversation: (sessionId, model) => {
      const owned = [...conversations.values()].filter((c) => c.sessionId === sessionId).length;
      const conversation: Conversation = {
        id: nextId(),
        sessionId,
        model,
        title: `Untitled ${owned + 1}`,
        updatedAt: new Date(),
        messages: [],
        streams: new Set(),
      };
      conversations.set(conversation.id, conversation);
      evict(conversations, limits.conversations, (c) => c.streams.size > 0);
      return conversation;
    },
    ownedConversation: (id, sessionId) => {
      const found = touch(conversations, id);
      return found?.sessionId === sessionId ? found : undefined;
    },
    deleteConversation: (id) => {
      conversations.delete(id);
    },
  };
};

const recentMessages = (session: Session, now: number): number => {
  session.messageTimes = session.messageTimes.filter((t) => now - t < 60_000);
  return session.messageTimes.length;
};

/** True when the session already sent `limit` messages in the last minute. */
export const isRateLimited = (session: Session, limit: number | undefined, now = Date.now()) =>
  limit !== undefined && recentMessages(session, now) >= limit;

/** Counts one message against the session's rate limit. */
export const countMessage = (session: Session, now = Date.now()): void => {
  session.messageTimes.push(now);
};
