import { Injectable, InjectionToken, inject } from '@angular/core';
import {
  type CompletionEvent,
  type Dialect,
  type H2oConversation,
  h2oRetry,
  openConversation,
} from 'h2o-rx';
import {
  defer,
  type MonoTypeOperatorFunction,
  type Observable,
  ReplaySubject,
  share,
  switchMap,
  timeout,
} from 'rxjs';

/** The chat server. In the browser it must be the page's own origin: the real server has no CORS. */
export const H2O_BASE_URL = new InjectionToken<string>('H2O_BASE_URL', {
  providedIn: 'root',
  factory: () => location.origin,
});

/** The server's dialect and the model: `?dialect=chat-ui&model=llama3` for today's chat-ui. */
export const H2O_SERVER = new InjectionToken<{ dialect: Dialect; model: string }>('H2O_SERVER', {
  providedIn: 'root',
  factory: () => {
    const query = new URLSearchParams(location.search);
    const dialect: Dialect = query.get('dialect') === 'chat-ui' ? 'chat-ui' : 'h2o';
    return { dialect, model: query.get('model') ?? 'falcon-40b' };
  },
});

/** One chat: the turns of one conversation on the server. */
export interface Chat {
  /** A turn: the question sent (alone: the server keeps the history), the answer's events. */
  ask$(question: string): Observable<CompletionEvent>;
  /** A new answer to the last question. */
  regenerate$(): Observable<CompletionEvent>;
}

// A stalled attempt times out, and a retryable failure before the first token is tried again
// (a turn retried so does not store the question twice); a failure after it is shown.
const reliably =
  <T>(): MonoTypeOperatorFunction<T> =>
  (source) =>
    source.pipe(timeout({ first: 30_000, each: 10_000 }), h2oRetry({ count: 2 }));

/** Opens chats on the server. */
@Injectable({ providedIn: 'root' })
export class ChatService {
  private readonly baseUrl = inject(H2O_BASE_URL);
  private readonly server = inject(H2O_SERVER);

  /**
   * A new chat. Nothing is sent until its first question: that opens the conversation, which
   * every later turn shares. Unsubscribing from a turn aborts its request and tells the server
   * to stop generating (the server keeps the partial answer; the next turn follows it).
   */
  newChat(): Chat {
    const { dialect, model } = this.server;
    const conversation$ = defer(() =>
      openConversation(model, { baseUrl: this.baseUrl, dialect }),
    ).pipe(
      reliably(),
      // Opened once; opened again if it failed; abandoned if its turn was stopped meanwhile.
      share({
        connector: () => new ReplaySubject<H2oConversation>(1),
        resetOnError: true,
        resetOnComplete: false,
        resetOnRefCountZero: true,
      }),
    );
    // Each turn's own Observable is what is retried, never a second ask$.
    const turn = (run: (conversation: H2oConversation) => Observable<CompletionEvent>) =>
      conversation$.pipe(switchMap((conversation) => run(conversation).pipe(reliably())));
    return {
      ask$: (question) => turn((conversation) => conversation.ask$(question)),
      regenerate$: () => turn((conversation) => conversation.regenerate$()),
    };
  }
}
