import type { Observable } from 'rxjs';
import { readJsonObject } from '../http/json';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import { unexpectedResponse } from '../protocol-errors';
import type { StepResult } from './chain';

/** What the server answered to a new conversation: its id, and the whole JSON answer. */
export interface NewConversation {
  readonly id: string;
  /** The answer as sent (dialect chat-ui also sends the conversation itself). */
  readonly json: Record<string, unknown>;
}

/** The path of a conversation. */
export const conversationPath = (id: string) => `/conversation/${encodeURIComponent(id)}`;

/**
 * `POST /conversation` (both dialects): a new conversation with `model` (dialect chat-ui: and
 * its `preprompt`, the system prompt, when given); emits its id.
 */
export const conversation$ = (
  transport: Transport,
  model: string,
  preprompt?: string,
): Observable<StepResult<NewConversation>> =>
  exchange$(transport, {
    step: 'conversation',
    path: '/conversation',
    init: {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(preprompt === undefined ? { model } : { model, preprompt }),
    },
    consume: async (received, out) => {
      const json = await readJsonObject('conversation', received);
      const id = json.conversationId;
      if (typeof id !== 'string' || id === '') {
        throw unexpectedResponse(
          'conversation',
          `no conversationId in ${JSON.stringify(json).slice(0, 200)}`,
        );
      }
      out.next({ step: 'conversation', ms: received.ms, value: { id, json } });
    },
  });
