import {
  concat,
  defer,
  EMPTY,
  filter,
  ignoreElements,
  map,
  Observable,
  of,
  switchMap,
  tap,
} from 'rxjs';
import { chatUiConversation } from './dialects/chat-ui-conversation';
import { h2oSession$ } from './dialects/h2o';
import { h2oConversation } from './dialects/h2o-conversation';
import { H2oInputError } from './errors';
import { outputFileUrl } from './output-url';
import { mcpSelection, type H2oFile, type H2oMcpServer, type McpSelection } from './files';
import { modelList$, type ModelInfo } from './list-models';
import { unexpectedResponse } from './protocol-errors';
import type { CompletionEvent } from './events';
import {
  checkContent,
  CompletionOptions,
  promptInputs,
  resolveCompletion,
  ResolvedCompletion,
} from './options';
import { conversation$ } from './steps/conversation';
import { removeConversation$ } from './steps/delete';
import { chatUiRootId, chatUiStored$, chatUiTipId } from './steps/history';
import type { HistoryMessage } from './steps/history';
import { rootMessage$, rootMessageId } from './steps/root-message';
import type { ConversationDriver, TurnExtras } from './steps/turn';
import { checkAsk, conversationPreprompt, turnExtras$ } from './turn-extras';

export type { HistoryMessage } from './steps/history';

/**
 * Options of {@link openConversation}: those of `completion$` but `stream` (per turn, in
 * `ask$`) and `deleteAfter` (`delete$`). `prompt`, if given, turns each new user message into
 * the `inputs` sent (default: its text as it is: the server builds the model's prompt). `id`
 * and `responseId` do not apply: each turn chooses fresh message ids (dialect h2o).
 */
export type ConversationOptions = Omit<CompletionOptions, 'stream' | 'deleteAfter' | 'files'> & {
  /**
   * Dialect chat-ui: the conversation's system prompt, sent in `POST /conversation` (the server
   * stores it as the root message and prompts the model with it; default: the model's own).
   * Not with `conversationId` (the conversation has one already). Dialect h2o: the 2023 server
   * takes none, an `H2oInputError`.
   */
  preprompt?: string;
  /**
   * Dialect chat-ui: the MCP servers every turn may use (a tool-calling model calls their
   * tools), sent as the front end sends its enabled servers; `[]` turns the server's tools off.
   * Default: the server's own choice (all of its servers). `ask$`'s `mcpServers` overrides it.
   */
  mcpServers?: H2oMcpServer[];
  /**
   * Attach to this existing server conversation instead of creating one (no
   * `POST /conversation`): dialect chat-ui reads it (`GET /api/v2/conversations/<id>`, an
   * unknown id fails there) and the first turn follows the last message of its branch, as after
   * `messages$()`; dialect h2o sends nothing until the first turn (whose `regenerate$` then has
   * nothing to answer again until a turn ran).
   */
  conversationId?: string;
};

/** Options of one turn. */
export interface AskOptions {
  /** `false`: no token events, only `done` with the whole answer (default true). */
  stream?: boolean;
  /**
   * Dialect chat-ui: files sent with the message, as the server's front end sends them
   * (multipart `files` parts, base64). Checked before the turn's request as the front end checks
   * them: 10 MB each at most, and a type the model takes (text types for every model; a
   * multimodal one's `multimodalAcceptedMimetypes`, read from `GET /api/v2/models` only when a
   * turn has files), else an `H2oInputError`. Dialect h2o: an `H2oInputError`.
   */
  files?: H2oFile[];
  /** Dialect chat-ui: the MCP servers this turn may use (instead of the conversation's). */
  mcpServers?: H2oMcpServer[];
}

/** A conversation kept by the server; see {@link openConversation}. */
export interface H2oConversation {
  /** The server's conversation id. */
  readonly id: string;
  /** The full model id. */
  readonly model: string;
  /**
   * Where the server serves a file of this conversation's answers
   * (`GET /conversation/<id>/output/<sha>`, with the session's cookie), on the base URL the
   * conversation talks to (the session's, when one was given).
   */
  fileUrl(sha: string): string;
  /**
   * One turn: sends only the new user message (the server appends it to the history and
   * builds the model's prompt from it). Emits the `stream` step, tokens and `done`, like
   * `completionEvents$`. Cold: each subscription is one turn; subscribing again after a failed
   * one (`h2oRetry`) retries it without storing the user message twice.
   */
  ask$(content: string, options?: AskOptions): Observable<CompletionEvent>;
  /**
   * A new answer to the last user message (the front end's retry): dialect h2o replaces the
   * old answer; dialect chat-ui keeps it as a sibling and follows the new one.
   */
  regenerate$(): Observable<CompletionEvent>;
  /** The history as the server stores it, along the branch the conversation follows. */
  messages$(): Observable<HistoryMessage[]>;
  /**
   * Re-attaches to the answer the server is still generating in this conversation (after a
   * page reload, or a turn whose connection dropped; see `conversationId` to attach by id) and
   * emits its events as `ask$` does: the `resume` step, its tokens from the first, `done`.
   * Completes at once with nothing when no answer is live (dialect h2o: always). Dialect
   * chat-ui: a read of the stored conversation (its branch's tip answer, with a
   * `generationId` and no end, is live), then the resume channel from sequence 0. Leaving it
   * before the answer is whole stops the generation (stop-generating), as leaving `ask$` does;
   * it counts as a turn (one at a time).
   */
  resume$(): Observable<CompletionEvent>;
  /** `DELETE /conversation/<id>`: emits once, when it is gone. */
  delete$(): Observable<void>;
}

const checkOptions = (options: ConversationOptions | undefined) => {
  const given = (options ?? {}) as CompletionOptions;
  if (typeof given !== 'object' || given === null) {
    throw new H2oInputError('options must be an object');
  }
  const { conversationId } = given as ConversationOptions;
  if (
    conversationId !== undefined &&
    (typeof conversationId !== 'string' || conversationId === '')
  ) {
    throw new H2oInputError('conversationId must be a non-empty string');
  }
  if (conversationId !== undefined && (given as ConversationOptions).preprompt !== undefined) {
    throw new H2oInputError('preprompt applies to a new conversation, not with conversationId');
  }
  for (const name of ['stream', 'deleteAfter', 'files'] as const) {
    if (given[name] !== undefined) {
      throw new H2oInputError(
        `openConversation takes no ${name} option (${name === 'deleteAfter' ? 'use delete$' : 'ask$ takes it'})`,
      );
    }
  }
  return given;
};

// What a turn sends: the text checked as a completion's message is, then `prompt` if given.
const turnInputs = (content: string, options: ConversationOptions): string => {
  if (typeof content !== 'string' || content.trim() === '') {
    throw new H2oInputError('content must be non-empty text');
  }
  checkContent(content, 'content', options.allowControlTokens === true);
  return options.prompt ? promptInputs(options.prompt, [{ role: 'user', content }]) : content;
};

// The face of one conversation: input checks, one turn at a time.
const face = (
  c: ResolvedCompletion,
  options: ConversationOptions,
  id: string,
  driver: ConversationDriver,
  mcp: McpSelection | undefined,
): H2oConversation => {
  let busy = false;
  // The model list, read once, on the first turn with files.
  let listed: ModelInfo[] | undefined;
  const models$ = () =>
    listed ? of(listed) : modelList$(c.transport, c.dialect).pipe(tap((l) => (listed = l)));
  const turn = (
    make: () => Observable<CompletionEvent>,
    streamed: boolean,
  ): Observable<CompletionEvent> =>
    defer(() => {
      if (busy) {
        throw new H2oInputError(
          'a turn of this conversation is still running: queue turns with concatMap',
        );
      }
      busy = true;
      // Released before the end reaches the subscriber, so that it may start the next turn
      // there (`catchError`, `concat` in a handler); `finalize` would run only after it.
      const release = () => (busy = false);
      // The driver ends the turn where the server has stored it (its answer's end, then the
      // read that sees it stored).
      const events$ = make().pipe(tap({ complete: release, error: release, unsubscribe: release }));
      return streamed ? events$ : events$.pipe(filter((e) => e.type !== 'token'));
    });
  return {
    id,
    model: c.model,
    fileUrl: (sha) => outputFileUrl(c.baseUrl, id, sha),
    ask$: (content, askOptions) => {
      // Checked at subscription, so that a bad argument arrives as an error, not a throw.
      let turn$: Observable<CompletionEvent> | undefined;
      let extras: TurnExtras | undefined;
      return defer(() => {
        const ask = checkAsk(askOptions, c.dialect, mcp);
        const inputs = turnInputs(content, options);
        // One driver turn for every subscription to this ask$: a resubscription is its retry.
        const ready$ = extras ? of(extras) : turnExtras$(ask, c.model, models$);
        return turn(
          () =>
            ready$.pipe(
              switchMap((ready) => {
                extras = ready;
                return (turn$ ??= driver.turn$(inputs, ready));
              }),
            ),
          ask.streamed,
        );
      });
    },
    regenerate$: () => {
      const regenerate$ = driver.regenerate$({ mcp });
      return turn(() => regenerate$, true);
    },
    messages$: () => driver.messages$(),
    resume$: () => {
      const resume$ = driver.resume$();
      return turn(() => resume$, true);
    },
    delete$: () => removeConversation$(c.transport, id),
  };
};

/**
 * Opens a conversation on the server and lets it keep the history: each `ask$` sends only the
 * new user message (one request in dialect h2o; in dialect chat-ui one, with a read beside the
 * answer that learns its id for the next turn), and the server builds the model's prompt from
 * the whole history with the model's own turn template. Cold: each subscription runs the session and
 * settings steps (dialect h2o, skipped with `options.session`) and `POST /conversation`, emits
 * one {@link H2oConversation}, then completes (`options.conversationId`: no
 * `POST /conversation`, the existing conversation is attached to). Turns run one at a time; a cancelled turn stops
 * the server (its partial answer stays, and the next turn follows it); a failed turn leaves the
 * conversation usable.
 *
 * @example
 * openConversation('falcon-40b', { baseUrl })
 *   .pipe(
 *     switchMap((chat) =>
 *       concat(chat.ask$('What is the capital of France?'), chat.ask$('And of Germany?')),
 *     ),
 *     h2oText(),
 *   )
 *   .subscribe((text) => console.log(text));
 */
export const openConversation = (
  model: string,
  options?: ConversationOptions,
): Observable<H2oConversation> =>
  defer(() => {
    const given = checkOptions(options);
    const { conversationId, preprompt, mcpServers, ...completion } = given as ConversationOptions;
    // A completion's checks and defaults; its own message and prompt are not used.
    const c = resolveCompletion(model, [{ role: 'user', content: 'x' }], {
      ...completion,
      prompt: undefined,
    });
    const system = conversationPreprompt(preprompt, c.dialect);
    const mcp = mcpSelection(mcpServers, c.dialect);
    const open$ =
      c.dialect === 'h2o' && !c.session
        ? h2oSession$(c.transport, c.origin, c.settingsBody).pipe(ignoreElements())
        : EMPTY;
    const context = (id: string, rootId: string, tipId?: string) => ({
      transport: c.transport,
      conversationId: id,
      origin: c.origin,
      parameters: c.parameters,
      maxLineBytes: c.maxLineBytes,
      endToken: c.endToken,
      resume: c.resume,
      rootId,
      tipId,
    });
    const chatUi = (id: string, root: string, tipId?: string) =>
      face(c, given, id, chatUiConversation(context(id, root, tipId)), mcp);
    if (conversationId !== undefined) {
      const attached$ =
        c.dialect === 'h2o'
          ? of(face(c, given, conversationId, h2oConversation(context(conversationId, '')), mcp))
          : chatUiStored$(c.transport, conversationId).pipe(
              map((stored) => {
                const root = chatUiRootId(stored);
                if (root === undefined) {
                  throw unexpectedResponse('conversation', 'no root message id');
                }
                return chatUi(conversationId, root, chatUiTipId(stored));
              }),
            );
      return concat(open$, attached$);
    }
    const made$ = conversation$(c.transport, c.model, system).pipe(
      switchMap(({ value: { id, json } }) => {
        if (c.dialect === 'h2o')
          return of(face(c, given, id, h2oConversation(context(id, '')), mcp));
        const root = rootMessageId(json.conversation);
        return root !== undefined
          ? of(chatUi(id, root))
          : rootMessage$(c.transport, id).pipe(map((r) => chatUi(id, r)));
      }),
    );
    return concat(open$, made$);
  });
