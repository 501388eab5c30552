import type { Observable } from 'rxjs';
import { drainBody } from '../http/body';
import { exchange$, Transport } from '../http/exchange';
import type { StepResult } from '../steps/step';

/**
 * `POST /settings` of today's chat-ui: JSON (a form gets 500). Optional for one completion;
 * it mints the session cookie, so completions sharing a session share one cookie.
 */
export const chatUiSettings$ = (
  transport: Transport,
  model: string,
): Observable<StepResult<void>> =>
  exchange$(transport, {
    step: 'settings',
    path: '/settings',
    init: {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        activeModel: model,
        shareConversationsWithModelAuthors: false,
        welcomeModalSeen: true,
      }),
    },
    consume: async ({ body, ms }, out) => {
      await drainBody(body);
      out.next({ step: 'settings', ms, value: undefined });
    },
  });
