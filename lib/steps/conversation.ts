import type { Observable } from 'rxjs';
import { H2oProtocolError } from '../errors';
import { exchange$, Transport } from '../http/request';
import { readJsonObject } from '../http/json';
import type { StepResult } from './chain';

/** What the server answered to a new conversation: its id, and the whole JSON answer. */
export interface NewConversation {
  readonly id: string;
  /** The answer as sent (dialect chat-ui also sends the conversation itself). */
  readonly json: Record<string, unknown>;
}

/** `POST /conversation` (both dialects): a new conversation with `model`; emits its id. */
export const conversation$ = (
  transport: Transport,
  model: string,
): Observable<StepResult<NewConversation>> =>
  exchange$(transport, {
    step: 'conversation',
    path: '/conversation',
    init: {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ model }),
    },
    consume: async (answer, out) => {
      const json = await readJsonObject('conversation', answer);
      const id = json.conversationId;
      if (typeof id !== 'string' || id === '') {
        throw new H2oProtocolError(
          'conversation',
          'unexpected-response',
          `no conversationId in ${JSON.stringify(json).slice(0, 200)}`,
        );
      }
      out.next({ step: 'conversation', ms: answer.ms, value: { id, json } });
    },
  });
