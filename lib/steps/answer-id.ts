import { MonoTypeOperatorFunction, Observable, Subscription } from 'rxjs';
import type { CompletionEvent } from '../events';
import { unrefTimer } from '../unref-timer';
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

/** How long a background read of an answer's id may take before it is abandoned. */
export const readAlongMs = 2000;

/**
 * Reads an answer's id beside the answer: `read$` is started once the first token (or the end,
 * if there is none) has reached the subscriber, so it never delays it, and it then runs on its
 * own, whether the subscriber stays or not (a cancelled turn's partial answer is the next turn's
 * parent too), until it ends or {@link readAlongMs} passed. chat-ui stores the answer with the
 * generation id before it streams, so the read learns the id while the answer still comes, and
 * the next turn needs no read on its way to the first token. `after(then$)` subscribes to
 * `then$` once the read last started has ended (at once if none runs): what comes next waits
 * for it rather than sending a read of its own. The read's values and errors are dropped.
 */
export const readAlong = () => {
  // Called once the read running now ends; undefined while none runs.
  let waiting: Array<() => void> | undefined;
  const start = (read$: Observable<unknown>) => {
    const mine: Array<() => void> = [];
    waiting = mine;
    const read = new Subscription();
    let over = false;
    const end = () => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      read.unsubscribe();
      if (waiting === mine) waiting = undefined;
      for (const next of mine) next();
    };
    // Nothing waits on it but a later turn: it must not keep a Node process alive.
    const timer = unrefTimer(readAlongMs, end);
    read.add(read$.subscribe({ error: end, complete: end }));
  };
  return {
    /** Passes an answer's events on, starting `read$` after the first token or the end. */
    beside:
      (read$: Observable<unknown>): MonoTypeOperatorFunction<CompletionEvent> =>
      (source) =>
        new Observable<CompletionEvent>((subscriber) => {
          let started = false;
          return source.subscribe({
            next: (event) => {
              subscriber.next(event);
              if (!started && (event.type === 'token' || event.type === 'done')) {
                started = true;
                start(read$);
              }
            },
            error: (err) => subscriber.error(err),
            complete: () => subscriber.complete(),
          });
        }),
    /** Subscribes to `then$` at once, or once the read running now has ended. */
    after: <T>(then$: Observable<T>): Observable<T> =>
      new Observable<T>((subscriber) => {
        if (!waiting) return then$.subscribe(subscriber);
        let inner: Subscription | undefined;
        waiting.push(() => {
          if (!subscriber.closed) inner = then$.subscribe(subscriber);
        });
        return () => inner?.unsubscribe();
      }),
  };
};
