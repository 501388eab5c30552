import { defer, type MonoTypeOperatorFunction, type Observable, switchMap } from 'rxjs';
import type { CompletionEvent, H2oConversation } from '../index';
import { openedOnce } from './opened-once';

/** The turns of `h2o-rx chat`, on the conversation in use. */
export interface ChatTurns {
  /** A turn: `content` sent as the next user message, its answer's events. */
  ask$(content: string): Observable<CompletionEvent>;
  /** A new answer to the last user message. */
  regenerate$(): Observable<CompletionEvent>;
  /** Whether a conversation is in use (opened, or opening): /retry has something to retry. */
  readonly started: boolean;
  /** Leaves the conversation: the next turn opens a new one (/new). */
  reset(): void;
}

/**
 * Opens the conversation when the first turn needs it, so that a session that asks nothing
 * leaves no empty conversation on the server, and again after `reset`. `guard` (timeout and
 * retry) wraps each turn's own Observable: resubscribing to that one retries the turn without
 * storing the user message twice, where a fresh `ask$` would send it again.
 */
export const chatTurns = (
  open: () => Observable<H2oConversation>,
  guard: MonoTypeOperatorFunction<CompletionEvent>,
): ChatTurns => {
  let conversation$: Observable<H2oConversation> | undefined;
  const on = (turn: (conversation: H2oConversation) => Observable<CompletionEvent>) =>
    defer(() => {
      conversation$ ??= open().pipe(openedOnce());
      return conversation$.pipe(switchMap((conversation) => turn(conversation).pipe(guard)));
    });
  return {
    ask$: (content) => on((conversation) => conversation.ask$(content)),
    regenerate$: () => on((conversation) => conversation.regenerate$()),
    get started() {
      return conversation$ !== undefined;
    },
    reset() {
      conversation$ = undefined;
    },
  };
};
