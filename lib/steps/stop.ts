import { fireAndForget } from '../http/fire-and-forget';
import type { Transport } from '../http/transport';
import type { RequestParts } from '../http/request';
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
  const init: RequestParts =
    body === undefined
      ? { method: 'POST', headers: { accept: 'application/json' } }
      : {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        };
  fireAndForget(transport, {
    step: 'stream',
    path: `${conversationPath(id)}/stop-generating`,
    init,
    delayMs: stopDelayMs,
  });
};
