import { catchError, EMPTY, ignoreElements, Observable } from 'rxjs';
import { drain } from '../http/body';
import { exchange$, Transport } from '../http/request';
import { conversationPath } from './conversation';

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
