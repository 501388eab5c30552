import { catchError, EMPTY, ignoreElements, Observable } from 'rxjs';
import { drain } from '../http/body';
import { exchange$, Transport } from '../http/request';
import { conversationPath } from './conversation';

/** `DELETE /conversation/<id>`: emits once when the server has removed it. */
export const removeConversation$ = (transport: Transport, id: string): Observable<void> =>
  exchange$<void>(transport, {
    step: 'conversation',
    path: conversationPath(id),
    init: { method: 'DELETE', headers: { accept: 'application/json' } },
    consume: async (received, out) => {
      await drain(received);
      out.next();
    },
  });

/**
 * `DELETE /conversation/<id>` once the answer is complete (`deleteAfter`). Emits nothing;
 * a failure to delete does not undo an answer already delivered, so it is swallowed.
 */
export const deleteConversation$ = (transport: Transport, id: string): Observable<never> =>
  removeConversation$(transport, id).pipe(
    ignoreElements(),
    catchError(() => EMPTY),
  );
