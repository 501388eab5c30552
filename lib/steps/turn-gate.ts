import { Observable, Subscription } from 'rxjs';
import { unrefTimer } from '../unref-timer';

/**
 * How long a conversation's background work after a turn (learning that the server stored the
 * answer) may hold the next turn back before it is abandoned and the next turn goes on.
 */
export const settleMs = 3000;

/** What one conversation's turns wait for: see {@link turnGate}. */
export interface TurnGate {
  /**
   * Runs `work$` on its own, whoever subscribed to the turn that started it, until it ends,
   * fails or {@link settleMs} passed; its values and errors are dropped.
   */
  hold(work$: Observable<unknown>): void;
  /** Subscribes to `then$` at once, or once the work held last has ended. */
  after<T>(then$: Observable<T>): Observable<T>;
}

/**
 * One conversation's gate: a turn holds it with the work that learns the server stored its
 * answer (or, after a stop, the partial answer), and the next turn, the history read and the
 * turn's own end pass it only once that work is over. Both chat-ui servers store a turn after
 * the client has seen it end, and build the next turn's prompt, and save it, from what they
 * had stored when it came: a turn sent before the save races it (and, after a stop, is itself
 * stopped when the stop lands late). The bound keeps a server that never shows the answer from
 * holding a conversation up; its timer does not keep a Node process alive.
 */
export const turnGate = (): TurnGate => {
  // Called once the work held now ends; undefined while none runs.
  let waiting: Array<() => void> | undefined;
  return {
    hold(work$) {
      const mine: Array<() => void> = [];
      waiting = mine;
      const work = new Subscription();
      let over = false;
      const end = () => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        work.unsubscribe();
        if (waiting === mine) waiting = undefined;
        for (const next of mine) next();
      };
      const timer = unrefTimer(settleMs, end);
      work.add(work$.subscribe({ error: end, complete: end }));
    },
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
