import { switchMap, timer } from 'rxjs';
import { drain } from '../http/body';
import { exchange$, Transport } from '../http/request';
import { conversationPath } from './conversation';

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
