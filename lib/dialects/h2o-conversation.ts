import { defer, Observable, tap } from 'rxjs';
import { H2oInputError } from '../errors';
import type { CompletionEvent } from '../events';
import { h2oStreamBody } from '../options/bodies';
import { h2oHistory$ } from '../steps/history';
import { h2oStream$ } from '../steps/h2o-stream';
import type { ConversationDriver, TurnContext } from '../steps/turn';
import { uuidV4 } from '../uuid';

/**
 * Dialect h2o (2023 chat-ui): the client chooses each message's id (`options.id` the user
 * message, `options.response_id` the answer), so a turn is one request. `is_retry` with a user
 * message's id cuts the history there and answers again; with an id the server does not have
 * it appends, as a new turn does (chat-ui mid-2023; transcript 09h). So a failed turn is
 * retried with `is_retry` and its own id: whether or not the server stored the first attempt,
 * the user message is there once.
 */
export const h2oConversation = (t: TurnContext): ConversationDriver => {
  // The last user message sent: what regenerate answers again.
  let last: { id: string; inputs: string } | undefined;

  const send$ = (inputs: string, id: string, isRetry: boolean): Observable<CompletionEvent> => {
    const body = h2oStreamBody(
      { inputs, parameters: t.parameters, id, responseId: uuidV4() },
      isRetry,
    );
    const { conversationId, maxLineBytes, endToken } = t;
    return h2oStream$(t.transport, { conversationId, body, maxLineBytes, endToken });
  };

  return {
    turn$: (inputs) => {
      let failed: string | undefined;
      return defer(() => {
        const id = failed ?? uuidV4();
        const isRetry = failed !== undefined;
        failed = undefined;
        last = { id, inputs };
        return send$(inputs, id, isRetry).pipe(tap({ error: () => (failed = id) }));
      });
    },
    regenerate$: () =>
      defer(() => {
        if (!last) throw new H2oInputError('nothing to regenerate: the conversation has no turn');
        return send$(last.inputs, last.id, true);
      }),
    messages$: () => h2oHistory$(t.transport, t.conversationId),
  };
};
