import { defer, EMPTY, map, Observable, of, switchMap, tap } from 'rxjs';
import { H2oInputError } from '../errors';
import type { CompletionEvent } from '../events';
import { chatUiStreamBody } from '../options/bodies';
import { Tip, tipIn } from '../steps/answer-id';
import { chatUiStream$ } from '../steps/chat-ui-stream';
import {
  chatUiAnswerId,
  chatUiBranch,
  chatUiFinished,
  chatUiLiveGeneration,
  chatUiStored$,
} from '../steps/history';
import { freshProgress, resumeChannel$ } from '../steps/resume-channel';
import { sendStop } from '../steps/stop';
import { reasoningApart, thinkApart } from '../stream/think';
import { endsWhenStored, readUntil } from '../steps/stored';
import type { ConversationDriver, TurnContext, TurnExtras } from '../steps/turn';
import { turnGate } from '../steps/turn-gate';
import { uuidV4 } from '../uuid';

type Stored = Record<string, unknown>;

/**
 * Dialect chat-ui (today's chat-ui): a turn names its parent (the root, then the previous
 * answer), whose id the stream does not carry: it is read from the stored conversation (the
 * answer holding the `generationId` this client sent) once the server has stored the answer
 * whole (`interrupted` set: the server saves after it has streamed `finished`), which is also
 * when the turn ends; after a stop, once the stopped answer is stored, before the next turn
 * goes (the server's stop aborts whatever generation of the conversation runs when it lands).
 * A follow-up then costs one request on its way to the first token; none is needed after
 * `messages$`. Regenerate is `is_retry` on the answer (a sibling is kept). A turn subscribed
 * again after any end but a whole answer (an error, `timeout`, an unsubscribe): if the server
 * stored its answer (and so its user message), that answer is regenerated instead of the user
 * message being sent again. Resume reads the stored conversation: an answer at the tip of its
 * branch with a `generationId` and no end yet is live, and its generation is replayed from the
 * resume channel's first update, ending (or, left early, stopped) as a turn does.
 */
export const chatUiConversation = (t: TurnContext): ConversationDriver => {
  let tip: Tip = { id: t.tipId ?? t.rootId };
  // What follows a turn waits until the server stored it.
  const gate = turnGate();

  const stored$ = () => chatUiStored$(t.transport, t.conversationId);

  // A stored conversation that holds the answer the tip waits for names it: the next turn then
  // needs no read of its own (read beside the answer, or by messages$).
  const learnTip = (conversation: Stored) => {
    if ('id' in tip) return;
    const id = chatUiAnswerId(conversation, tip.generationId);
    if (id !== undefined) tip = { id };
  };

  // Once the server stored the answer of `generationId`, the tip names it.
  const stored = (generationId: string) => () =>
    readUntil(stored$(), (c) => chatUiFinished(c, generationId)).pipe(tap(learnTip));

  const stream$ = (
    data: Stored,
    generationId: string,
    extras: TurnExtras = {},
  ): Observable<CompletionEvent> =>
    chatUiStream$(t.transport, {
      conversationId: t.conversationId,
      // The files go with a new user message only: a retry of a stored answer keeps its own.
      body: chatUiStreamBody(data, generationId, extras.mcp, 'inputs' in data ? extras.files : []),
      generationId,
      origin: t.origin,
      maxLineBytes: t.maxLineBytes,
      endToken: t.endToken,
      resume: t.resume,
    }).pipe(
      endsWhenStored(gate, t.endToken, {
        whole: stored(generationId),
        stopped: stored(generationId),
      }),
    );

  const driver: ConversationDriver = {
    turn$: (inputs, extras) => {
      // An attempt that did not end whole: subscribing again retries it.
      let failed: { generationId: string; parent: Tip } | undefined;
      return gate.after(
        defer(() => {
          const prior = failed;
          failed = undefined;
          const parent = prior?.parent ?? tip;
          const generationId = uuidV4();
          tip = { generationId, previous: parent };
          const plan = (conversation?: Stored): Stored => {
            const stored =
              prior && conversation && chatUiAnswerId(conversation, prior.generationId);
            if (stored) return { id: stored, is_retry: true };
            const id = conversation
              ? tipIn(conversation, parent, t.rootId)
              : (parent as { id: string }).id;
            return { inputs, id, is_retry: false };
          };
          const data$ = prior || !('id' in parent) ? stored$().pipe(map(plan)) : of(plan());
          failed = { generationId, parent };
          return data$.pipe(
            switchMap((data) => stream$(data, generationId, extras)),
            tap({ complete: () => (failed = undefined) }),
          );
        }),
      );
    },
    regenerate$: (extras) =>
      gate.after(
        defer(() => {
          const current = tip;
          const generationId = uuidV4();
          const answer$ =
            'id' in current
              ? of(current.id)
              : stored$().pipe(map((c) => tipIn(c, current, t.rootId)));
          return answer$.pipe(
            switchMap((answerId) => {
              if (answerId === t.rootId) {
                throw new H2oInputError('nothing to regenerate: the conversation has no answer');
              }
              tip = { generationId, previous: { id: answerId } };
              return stream$({ id: answerId, is_retry: true }, generationId, extras);
            }),
          );
        }),
      ),
    messages$: () =>
      gate.after(
        stored$().pipe(
          map((conversation) => {
            learnTip(conversation);
            return chatUiBranch(conversation);
          }),
        ),
      ),
    resume$: () =>
      gate.after(
        stored$().pipe(
          switchMap((conversation) => {
            learnTip(conversation);
            const generationId = chatUiLiveGeneration(conversation);
            if (generationId === undefined) return EMPTY;
            const { conversationId, maxLineBytes } = t;
            // Nothing of this answer was emitted yet: the channel replays it from its start.
            const progress = freshProgress();
            let answered = false;
            return resumeChannel$(
              t.transport,
              { conversationId, generationId, maxLineBytes },
              progress,
            ).pipe(
              tap((event) => (answered ||= event.type === 'done')),
              // Leaving before the answer is whole stops the server, as leaving a turn does.
              tap({
                unsubscribe: () =>
                  answered ||
                  sendStop(t.transport, conversationId, {
                    generationId,
                    seenContentLength: progress.chars,
                  }),
              }),
              endsWhenStored(gate, t.endToken, {
                whole: stored(generationId),
                stopped: stored(generationId),
              }),
            );
          }),
        ),
      ),
  };
  return reasoningApartOf(driver);
};

// The model's `<think>` blocks out of the history, and out of a resumed answer (the stream step
// takes them out of a turn's own events): the stored conversation keeps them in the text (what
// the checks above read), the user gets them apart.
const reasoningApartOf = (d: ConversationDriver): ConversationDriver => ({
  turn$: d.turn$,
  regenerate$: d.regenerate$,
  resume$: () => d.resume$().pipe(reasoningApart()),
  messages$: () =>
    d.messages$().pipe(
      map((messages) =>
        messages.map((m) => {
          if (m.role !== 'assistant') return m;
          const { answer, reasoning } = thinkApart(m.content);
          if (reasoning === undefined) return m;
          const kept = m.reasoning === undefined ? reasoning : `${m.reasoning}\n${reasoning}`;
          return { ...m, content: answer, reasoning: kept };
        }),
      ),
    ),
});
