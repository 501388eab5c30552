import type { Observable } from 'rxjs';
import { drainBody } from '../http/body';
import { fireAndForget } from '../http/fire-and-forget';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import { conversationPath } from './conversation';

/** `DELETE /conversation/<id>`: emits once when the server has removed it. */
export const removeConversation$ = (transport: Transport, id: string): Observable<void> =>
  exchange$<void>(transport, {
    step: 'conversation',
    path: conversationPath(id),
    init: { method: 'DELETE', headers: { accept: 'application/json' } },
    consume: async (received, out) => {
      await drainBody(received.body);
      out.next();
    },
  });

/**
 * `DELETE /conversation/<id>` once the answer is complete (`deleteAfter`), fire and forget:
 * a failure to delete does not undo an answer already delivered.
 */
export const sendDelete = (transport: Transport, id: string): void =>
  fireAndForget(transport, {
    step: 'stream',
    path: conversationPath(id),
    init: { method: 'DELETE', headers: { accept: 'application/json' } },
  });
