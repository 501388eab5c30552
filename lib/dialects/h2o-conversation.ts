import { defer, EMPTY, Observable, tap } from 'rxjs';
import { H2oInputError } from '../errors';
import type { CompletionEvent } from '../events';
import { h2oStreamBody } from '../options/bodies';
import { h2oHistory$, type HistoryMessage } from '../steps/history';
import { h2oStream$ } from '../steps/h2o-stream';
import { endsWhenStored, readUntil } from '../steps/stored';
import type { ConversationDriver, TurnContext } from '../steps/turn';
import { turnGate } from '../steps/turn-gate';
import { uuidV4 } from '../uuid';

/**
 * Dialect h2o (2023 chat-ui): the client chooses each message's id (`options.id` the user
 * message, `options.response_id` the answer), so a turn is one request, and a read of
 * `__data.json` learns that the server stored the answer (it saves a turn only once its
 * backend stream has ended, after the client saw the end). `is_retry` with a user message's id
 * cuts the history there and answers again; with an id the server does not have it appends, as
 * a new turn does (chat-ui mid-2023; transcript 09h). So a turn subscribed again after any end
 * but a whole answer (an error, `timeout`, an unsubscribe) is sent with `is_retry` and its own
 * id: whether or not the server stored the first attempt, the user message is there once.
 * Nothing to resume: the server stores an answer only whole.
 */
export const h2oConversation = (t: TurnContext): ConversationDriver => {
  // The last user message sent: what regenerate answers again.
  let last: { id: string; inputs: string } | undefined;
  const gate = turnGate();

  const holds = (responseId: string) => (messages: HistoryMessage[]) =>
    messages.some((m) => m.id === responseId);

  const send$ = (inputs: string, id: string, isRetry: boolean): Observable<CompletionEvent> => {
    const responseId = uuidV4();
    const body = h2oStreamBody({ inputs, parameters: t.parameters, id, responseId }, isRetry);
    const { conversationId, maxLineBytes, endToken } = t;
    const stored = () => readUntil(h2oHistory$(t.transport, conversationId), holds(responseId));
    return h2oStream$(t.transport, { conversationId, body, maxLineBytes, endToken }).pipe(
      endsWhenStored(gate, endToken, { whole: stored, stopped: stored }),
    );
  };

  return {
    turn$: (inputs) => {
      // The id of an attempt that did not end whole: subscribing again retries it.
      let unfinished: string | undefined;
      return gate.after(
        defer(() => {
          const id = unfinished ?? uuidV4();
          const isRetry = unfinished !== undefined;
          unfinished = id;
          last = { id, inputs };
          return send$(inputs, id, isRetry).pipe(tap({ complete: () => (unfinished = undefined) }));
        }),
      );
    },
    regenerate$: () =>
      gate.after(
        defer(() => {
          if (!last) throw new H2oInputError('nothing to regenerate: the conversation has no turn');
          return send$(last.inputs, last.id, true);
        }),
      ),
    messages$: () => gate.after(h2oHistory$(t.transport, t.conversationId)),
    // The 2023 server stores an answer only once it is whole: there is nothing to re-attach to.
    resume$: () => EMPTY,
  };
};
