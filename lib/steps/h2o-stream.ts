import type { Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport, WireBody } from '../http/transport';
import { readTgiEvent } from '../stream/tgi';
import { conversationPath } from './conversation';
import { sendStop } from './stop';
import { tokens$ } from './tokens';

/** One stream request of dialect h2o. */
export interface H2oStreamSpec {
  readonly conversationId: string;
  readonly body: WireBody;
  readonly maxLineBytes: number;
  readonly endToken: string;
}

/**
 * `POST /conversation/<id>` of dialect h2o: TGI's events passed through the 2023 server. No
 * resume channel there (the server stores the answer only once whole): a drop is an error.
 */
export const h2oStream$ = (transport: Transport, s: H2oStreamSpec): Observable<CompletionEvent> =>
  tokens$(transport, {
    conversationId: s.conversationId,
    path: conversationPath(s.conversationId),
    init: {
      method: 'POST',
      headers: {
        accept: 'text/event-stream, application/json',
        'content-type': s.body.contentType,
      },
      body: s.body.body,
    },
    read: readTgiEvent,
    maxLineBytes: s.maxLineBytes,
    endToken: s.endToken,
    abandon: () => sendStop(transport, s.conversationId),
  });
