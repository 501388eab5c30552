import { catchError, EMPTY, ignoreElements, Observable, switchMap, timer } from 'rxjs';
import { drainBody } from '../http/body';
import { Answer, exchange$, Transport } from '../http/exchange';

// Reads the (empty) answer to the end, so the connection goes back to the pool.
const drain = ({ body }: Answer) => drainBody(body);

/** The path of a conversation. */
export const conversationPath = (id: string) => `/conversation/${encodeURIComponent(id)}`;

// The stop request follows the abort by 50 ms (node-fetch closes the socket at once, undici
// takes 10-20 ms), so that the server sees the stream's socket closed by the client before it
// ends that stream itself: its logs (and tests) then show the client's abort.
const stopDelayMs = 50;

/**
 * `POST /conversation/<id>/stop-generating`, fire and forget: the subscriber has already
 * gone, and nothing it could do with a failure.
 */
export const sendStop = (transport: Transport, id: string, body?: unknown): void => {
  const init: RequestInit =
    body === undefined
      ? { method: 'POST', headers: { accept: 'application/json' } }
      : {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        };
  timer(stopDelayMs)
    .pipe(
      switchMap(() =>
        exchange$<never>(transport, {
          step: 'stream',
          path: `${conversationPath(id)}/stop-generating`,
          init,
          consume: drain,
        }),
      ),
    )
    .subscribe({ error: () => undefined });
};

/**
 * `DELETE /conversation/<id>` once the answer is complete (`deleteAfter`). Emits nothing;
 * a failure to delete does not undo an answer already delivered, so it is swallowed.
 */
export const deleteConversation$ = (transport: Transport, id: string): Observable<never> =>
  exchange$<never>(transport, {
    step: 'stream',
    path: conversationPath(id),
    init: { method: 'DELETE', headers: { accept: 'application/json' } },
    consume: drain,
  }).pipe(
    ignoreElements(),
    catchError(() => EMPTY),
  );
