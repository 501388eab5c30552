import { fireAndForget } from '../http/fire-and-forget';
import type { Transport } from '../http/transport';
import { conversationPath } from './conversation';

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
