import type { ChatTransport, UIMessage } from 'ai';
import {
  catchError,
  connectable,
  defaultIfEmpty,
  firstValueFrom,
  map,
  Observable,
  ReplaySubject,
  throwError,
} from 'rxjs';
import { H2oHttpError, H2oInputError, openConversation } from '../index';
import type { CompletionEvent, ConversationOptions, H2oConversation } from '../index';
import { takeUntilAborted } from '../signal';
import { toUiMessageChunks } from './chunks';
import { filesOf } from './files';
import { readableOf } from './readable';

/** Options of {@link h2oChatTransport}: those of `openConversation` but `conversationId`. */
export type H2oChatTransportOptions = Omit<ConversationOptions, 'conversationId'>;

/** The AI SDK `ChatTransport` of {@link h2oChatTransport}. */
export interface H2oChatTransport<M extends UIMessage = UIMessage> extends ChatTransport<M> {
  /** The server conversation a chat's turns go to, once it has one (see {@link h2oChatTransport}). */
  conversationId(chatId: string): string | undefined;
}

// chat-ui's (and the 2023 server's) conversation ids are MongoDB ObjectIds.
const isServerId = (id: string) => /^[0-9a-f]{24}$/.test(id);

// The server does not know the conversation (404), or it is another session's (403).
const isUnknown = (err: unknown) =>
  err instanceof H2oHttpError && (err.status === 404 || err.status === 403);

const textOf = (message: UIMessage): string =>
  message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

/**
 * An AI SDK `ChatTransport` that runs a chat on a chat-ui server's own conversations, with no
 * backend of yours in between: give it to `@ai-sdk/angular`'s `Chat` (or React's, Vue's,
 * Svelte's: any `AbstractChat`) as `transport`.
 *
 * - `sendMessages` sends only the last user message's text as one turn of the chat's server
 *   conversation (`ask$`: the server keeps the history); `trigger: 'regenerate-message'` is
 *   `regenerate$()`. The chat's id maps to the conversation: an id the server knows (a
 *   24-hex conversation id, e.g. `new Chat({ id, transport })` after a reload) is attached to;
 *   any other id (the AI SDK's own generated ids) gets a new conversation at its first
 *   message, remembered for the transport's life (`conversationId(chatId)` gives it, as does
 *   each answer's `metadata.conversationId`). Earlier messages in `messages` are not sent:
 *   the server's history is the truth, so a message edited in the UI goes as a new turn.
 * - The answer comes back as UI message chunks (see `toUiMessageChunks`); `abortSignal`
 *   (`chat.stop()`) cancels the turn, and the library then sends stop-generating.
 * - `reconnectToStream` (`chat.resumeStream()`) is `resume$()`: the answer the server is still
 *   generating, replayed from its start (`resumeStreamIsReplay`), or `null` when none is live
 *   or the chat has no server conversation; `chat.stop()` stops the server there too.
 *
 * `options` are `openConversation`'s, used for each conversation the transport opens; a
 * server conversation belongs to the session (cookie) that made it, so in Node give one
 * `session` to attach to conversations across transports. Today's chat-ui streams the first
 * tokens again when it re-runs a failed backend call: the text deltas then repeat them, and
 * at the end a `reset-step` replaces the step's parts with the server's final text.
 *
 * @example
 * const chat = new Chat({ transport: h2oChatTransport('llama3', { baseUrl, dialect: 'chat-ui' }) });
 * await chat.sendMessage({ text: 'What is the capital of France?' });
 */
export const h2oChatTransport = <M extends UIMessage = UIMessage>(
  model: string,
  options: H2oChatTransportOptions = {},
): H2oChatTransport<M> => {
  const conversations = new Map<string, Promise<H2oConversation>>();
  const ids = new Map<string, string>();

  const remember = (chatId: string, open$: Observable<H2oConversation>) => {
    const open = firstValueFrom(open$);
    conversations.set(chatId, open);
    open.then(
      (c) => ids.set(chatId, c.id),
      () => conversations.get(chatId) === open && conversations.delete(chatId),
    );
    return open;
  };
  const attach$ = (chatId: string) =>
    openConversation(model, { ...options, conversationId: chatId });
  const conversationFor = (chatId: string): Promise<H2oConversation> =>
    conversations.get(chatId) ??
    remember(
      chatId,
      isServerId(chatId)
        ? attach$(chatId).pipe(
            catchError((err: unknown) =>
              isUnknown(err) ? openConversation(model, options) : throwError(() => err),
            ),
          )
        : openConversation(model, options),
    );
  // Reconnecting opens nothing: only a conversation the chat had, or the server has.
  const attached = (chatId: string): Promise<H2oConversation | undefined> =>
    conversations.get(chatId) ??
    (isServerId(chatId)
      ? remember(chatId, attach$(chatId)).catch((err: unknown) => {
          if (isUnknown(err)) return undefined;
          throw err;
        })
      : Promise.resolve(undefined));

  const chunks = (conversation: H2oConversation) =>
    toUiMessageChunks({
      metadata: { conversationId: conversation.id },
      fileUrl: (sha) => conversation.fileUrl(sha),
    });

  return {
    resumeStreamIsReplay: true,
    conversationId: (chatId) => ids.get(chatId),
    sendMessages: async ({ chatId, messages, trigger, abortSignal }) => {
      const conversation = await conversationFor(chatId);
      let events$: Observable<CompletionEvent>;
      if (trigger === 'regenerate-message') {
        events$ = conversation.regenerate$();
      } else {
        const last = messages[messages.length - 1];
        if (last?.role !== 'user')
          throw new H2oInputError('the last message is not a user message');
        const files = filesOf(last);
        events$ = conversation.ask$(textOf(last), files.length > 0 ? { files } : undefined);
      }
      return readableOf(events$.pipe(takeUntilAborted(abortSignal), chunks(conversation)));
    },
    reconnectToStream: async ({ chatId, abortSignal }) => {
      const conversation = await attached(chatId);
      if (!conversation) return null;
      // Kept from the first event on, so that the stream returned once it is known to be live
      // starts at the answer's beginning.
      const events$ = connectable(conversation.resume$().pipe(takeUntilAborted(abortSignal)), {
        connector: () => new ReplaySubject<CompletionEvent>(),
        resetOnDisconnect: false,
      });
      const connection = events$.connect();
      const live = await firstValueFrom(
        events$.pipe(
          map(() => true),
          defaultIfEmpty(false),
        ),
      );
      if (!live) return null;
      return readableOf(events$.pipe(chunks(conversation)), () => connection.unsubscribe());
    },
  };
};
