import type { Observable } from 'rxjs';
import { H2oProtocolError } from '../errors';
import { exchange$, Transport } from '../http/exchange';
import { readJsonObject } from './json';
import type { StepResult } from './step';

/** `POST /conversation` (dialect h2o): a new conversation with `model`; emits its id. */
export const conversation$ = (
  transport: Transport,
  model: string,
): Observable<StepResult<string>> =>
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
      out.next({ step: 'conversation', ms: answer.ms, value: id });
    },
  });
