import { fireAndForget } from '../http/fire-and-forget';
import type { Transport } from '../http/transport';
import type { RequestParts } from '../http/request';
import { conversationPath } from './conversation';

/**
 * `POST /conversation/<id>/stop-generating`, fire and forget: the subscriber has already
 * gone, and nothing it could do with a failure. It leaves at once: every moment it waits the
 * server generates on, and a 2023 server applies a stop to each generation of the
 * conversation that began before it, so a late stop can cut the next turn.
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
  });
};
