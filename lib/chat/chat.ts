import {
  BehaviorSubject,
  concatMap,
  defer,
  distinctUntilChanged,
  map,
  MonoTypeOperatorFunction,
  Observable,
  observeOn,
  queueScheduler,
  ReplaySubject,
  scan,
  share,
  Subject,
  Subscription,
  switchMap,
  tap,
  timeout,
} from 'rxjs';
import { h2oRetry, H2oInputError, openConversation } from '../index';
import type {
  AskOptions,
  CompletionEvent,
  ConversationOptions,
  H2oConversation,
  H2oRetryOptions,
} from '../index';
import { uuidV4 } from '../uuid';
import { chatReducer } from './reducer';
import type { ChatAction } from './reducer';
import { emptyChatState } from './state';
import type { ChatFilePart, ChatMessage, ChatState } from './state';

/** Options of {@link createH2oChat}: `openConversation`'s, and how each request is made reliable. */
export type H2oChatOptions = ConversationOptions & {
  /**
   * Each open and each turn retried with `h2oRetry` (a turn only while it has shown nothing:
   * the server stores its question once). Default: no retry.
   */
  retry?: H2oRetryOptions;
  /**
   * RxJS `timeout` on each open and each turn, before the retry (so a stalled attempt is
   * retried): `first` ms to the first event, `each` ms between events (chat-ui's keep-alives
   * count). Default: none.
   */
  timeout?: { first?: number; each?: number };
};

/** What one message sends beside its text: `ask$`'s options. */
export type H2oSendOptions = AskOptions;

/** A chat on a server conversation; see {@link createH2oChat}. */
export interface H2oChat {
  /** The chat's state: the current one at once, then each change. Completes at `dispose()`. */
  readonly state$: Observable<ChatState>;
  /** The current state. */
  readonly state: ChatState;
  /**
   * Sends a user message: appends it and an empty answer (status `'submitted'`), then streams
   * the answer into it. Throws `H2oInputError` for empty text and while a turn runs (status
   * `'submitted'` or `'streaming'`): `stop()` first, or wait for `'ready'`.
   */
  send(text: string, options?: H2oSendOptions): void;
  /** A new answer to the last user message, replacing the last answer (`regenerate$`). */
  regenerate(): void;
  /**
   * Stops the running turn: its answer keeps what it has, marked `'stopped'`, and the status is
   * `'ready'` at once (so `send` may follow right away). Unsubscribing aborts the request and
   * the library sends the server stop-generating. Nothing when no turn runs.
   */
  stop(): void;
  /**
   * Re-attaches to the answer the server is still generating (`resume$`, e.g. after a reload
   * with `conversationId`): it replaces the last answer shown, replayed from its start. Ends
   * with status `'ready'` and no change when none is live.
   */
  resume(): void;
  /** Back to `'ready'` after an error; the messages stay. */
  clearError(): void;
  /**
   * Forgets the conversation (stopping a running turn) and empties the messages: the next
   * `send` opens a new one.
   */
  newChat(): void;
  /** Stops a running turn and ends the chat: `state$` completes, the methods then throw. */
  dispose(): void;
}

const reliably = <T>({ retry, timeout: limits }: H2oChatOptions): MonoTypeOperatorFunction<T> => {
  return (source) => {
    const timed = limits?.first !== undefined || limits?.each !== undefined;
    const limited = timed ? source.pipe(timeout(limits as { first: number })) : source;
    return retry ? limited.pipe(h2oRetry(retry)) : limited;
  };
};

// The files a message sends, as its parts: shown with the question (`data` is the file itself).
const filePartsOf = (options: H2oSendOptions | undefined): ChatFilePart[] =>
  (Array.isArray(options?.files) ? options.files : []).map((file, i) => ({
    type: 'file',
    filename: ('name' in file && typeof file.name === 'string' && file.name) || `file-${i + 1}`,
    mediaType: file.type,
    data: file,
  }));

const checkText = (text: unknown): string => {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new H2oInputError('a message must be non-empty text');
  }
  return text;
};

/**
 * A chat over a server conversation, framework-free: the messages (text, reasoning, tool calls
 * and their results, files; a model's `<think>` blocks arrive as reasoning, as chat-ui's front
 * end shows them), the status as the AI SDK's `Chat` names it, the error, the
 * conversation's id and title, as one immutable state (`state$`, `state`), and the methods a
 * chat UI calls. The conversation is opened at the first `send` (with `options.conversationId`
 * it is attached to at once and its stored messages read into the state), so a chat that is
 * never used sends nothing. One turn runs at a time: `send` while one runs throws
 * `H2oInputError` (a UI disables its Send button while `status` is `'submitted'` or
 * `'streaming'`; `stop()` then `send` is fine), rather than queueing a question the user can
 * no longer take back.
 *
 * State changes made from inside a `state$` subscriber (a `send` on `'ready'`) are applied
 * after the change being delivered, so that every subscriber sees the changes in order.
 *
 * @example
 * const chat = createH2oChat('llama3', { baseUrl, dialect: 'chat-ui' });
 * chat.state$.subscribe(({ status, messages }) => render(status, messages));
 * chat.send('What is the capital of France?');
 */
export const createH2oChat = (model: string, options: H2oChatOptions = {}): H2oChat => {
  const { conversationId, ...rest } = options;
  const conversation: ConversationOptions = { ...rest };
  delete (conversation as H2oChatOptions).retry;
  delete (conversation as H2oChatOptions).timeout;
  // The conversation the turns run on: it knows where its files are served.
  let current: H2oConversation | undefined;
  const reduce = chatReducer({ fileUrl: (_id, sha) => current?.fileUrl(sha) ?? '' });
  const actions = new Subject<ChatAction>();
  const state = new BehaviorSubject<ChatState>(emptyChatState);
  // queueScheduler: an action dispatched while a change is being delivered waits for it.
  actions
    .pipe(observeOn(queueScheduler), scan(reduce, emptyChatState), distinctUntilChanged())
    .subscribe(state);
  const dispatch = (action: ChatAction) => actions.next(action);

  // Opened once per conversation, again after a failure, abandoned if the turn that needed it
  // was stopped first.
  const opener = (id: string | undefined): Observable<H2oConversation> => {
    const open$ = defer(() =>
      openConversation(model, { ...conversation, conversationId: id }),
    ).pipe(
      reliably(options),
      tap((c) => {
        current = c;
        dispatch({ type: 'opened', conversationId: c.id });
      }),
    );
    // An attached conversation's stored messages are read before any turn of this chat.
    const read$ =
      id === undefined
        ? open$
        : open$.pipe(
            concatMap((c) =>
              c.messages$().pipe(
                reliably(options),
                tap((messages) => dispatch({ type: 'history', messages })),
                map(() => c),
              ),
            ),
          );
    return read$.pipe(
      share({
        connector: () => new ReplaySubject<H2oConversation>(1),
        resetOnError: true,
        resetOnComplete: false,
        resetOnRefCountZero: true,
      }),
    );
  };
  let conversation$ = opener(conversationId);
  // The conversation to attach to, until newChat forgets it.
  let attachTo = conversationId;
  let turn: Subscription | undefined;
  // False from the turn's end on, before its end is dispatched: a subscriber that sees the
  // chat ready may send at once.
  let running = false;
  let loading: Subscription | undefined;
  let disposed = false;

  const check = () => {
    if (disposed) throw new H2oInputError('this chat was disposed');
  };
  const checkIdle = () => {
    check();
    if (running) {
      throw new H2oInputError('a turn of this chat is still running: stop() it or wait for ready');
    }
  };
  const run = (
    start: ChatAction,
    events: (c: H2oConversation) => Observable<CompletionEvent>,
    first?: () => ChatAction,
  ) => {
    dispatch(start);
    running = true;
    const ended = (action: ChatAction) => {
      running = false;
      dispatch(action);
    };
    // `first` goes just before the first event (a live answer to resume), once: a flag, not
    // an array and an inner subscription for every token.
    let before = first;
    turn = conversation$.pipe(switchMap((c) => events(c).pipe(reliably(options)))).subscribe({
      next: (event) => {
        if (before) dispatch(before());
        before = undefined;
        dispatch({ type: 'event', event });
      },
      error: (error: unknown) => ended({ type: 'failed', error }),
      complete: () => ended({ type: 'end' }),
    });
  };
  const cancel = () => {
    running = false;
    turn?.unsubscribe();
    loading?.unsubscribe();
  };
  if (conversationId !== undefined) {
    loading = conversation$.subscribe({
      error: (error: unknown) => dispatch({ type: 'failed', error }),
    });
  }

  return {
    state$: state.asObservable(),
    get state() {
      return state.value;
    },
    send: (text, sendOptions) => {
      checkIdle();
      const content = checkText(text);
      const user: ChatMessage = {
        id: uuidV4(),
        role: 'user',
        parts: [{ type: 'text', text: content, state: 'done' }, ...filePartsOf(sendOptions)],
      };
      run({ type: 'ask', user, answerId: uuidV4() }, (c) => c.ask$(content, sendOptions));
    },
    regenerate: () => {
      checkIdle();
      if (!state.value.messages.some((m) => m.role === 'user')) {
        throw new H2oInputError('nothing to regenerate: the chat has no user message');
      }
      run({ type: 'regenerate', answerId: uuidV4() }, (c) => c.regenerate$());
    },
    stop: () => {
      if (!running) return;
      running = false;
      turn?.unsubscribe();
      dispatch({ type: 'stopped' });
    },
    resume: () => {
      checkIdle();
      // No conversation opened nor to attach to: nothing can be live, nothing is sent.
      if (current === undefined && attachTo === undefined) {
        dispatch({ type: 'resume' });
        return dispatch({ type: 'end' });
      }
      run(
        { type: 'resume' },
        (c) => c.resume$(),
        () => ({ type: 'resumed', answerId: uuidV4() }),
      );
    },
    clearError: () => {
      check();
      dispatch({ type: 'clear-error' });
    },
    newChat: () => {
      check();
      cancel();
      current = attachTo = undefined;
      conversation$ = opener(undefined);
      dispatch({ type: 'reset' });
    },
    dispose: () => {
      if (disposed) return;
      cancel();
      disposed = true;
      actions.complete();
    },
  };
};
