import type { CompletionEvent, HistoryMessage, RouterEvent } from '../index';
import { sameAnswerText } from '../same-text';
import type { ChatMessage, ChatPart, ChatState, ChatToolPart } from './state';
import { emptyChatState } from './state';

/**
 * What happens to a chat. A turn is one of `ask`, `regenerate`, `resume` (which changes no
 * message until its answer is known to be live: `resumed`), then its `event`s, then `end`,
 * `failed` or `stopped`.
 */
export type ChatAction =
  | { readonly type: 'ask'; readonly user: ChatMessage; readonly answerId: string }
  | { readonly type: 'regenerate'; readonly answerId: string }
  | { readonly type: 'resume' }
  | { readonly type: 'resumed'; readonly answerId: string }
  | { readonly type: 'event'; readonly event: CompletionEvent }
  | { readonly type: 'end' }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly type: 'stopped' }
  | { readonly type: 'opened'; readonly conversationId: string }
  | { readonly type: 'history'; readonly messages: readonly HistoryMessage[] }
  | { readonly type: 'clear-error' }
  | { readonly type: 'reset' };

/** What the reducer needs beyond the actions. */
export interface ChatReducerOptions {
  /** The URL of a file an answer produced (default: none, the part has only its `sha`). */
  readonly fileUrl?: (conversationId: string, sha: string) => string;
}

const emptyAnswer = (id: string): ChatMessage => ({
  id,
  role: 'assistant',
  parts: [],
  state: 'streaming',
});

const isRunning = (state: ChatState) =>
  state.status === 'submitted' || state.status === 'streaming';

// Text and reasoning pieces are done once something else comes, or the answer ends.
const closed = (parts: readonly ChatPart[]): readonly ChatPart[] =>
  parts.some((p) => (p.type === 'text' || p.type === 'reasoning') && p.state === 'streaming')
    ? parts.map((p) =>
        (p.type === 'text' || p.type === 'reasoning') && p.state === 'streaming'
          ? { ...p, state: 'done' }
          : p,
      )
    : parts;

const appendPiece = (
  parts: readonly ChatPart[],
  type: 'text' | 'reasoning',
  text: string,
): readonly ChatPart[] => {
  const last = parts[parts.length - 1];
  if (last?.type === type && last.state === 'streaming') {
    return [...parts.slice(0, -1), { ...last, text: last.text + text }];
  }
  return [...closed(parts), { type, text, state: 'streaming' }];
};

const changeTool = (
  parts: readonly ChatPart[],
  uuid: string,
  change: (tool: ChatToolPart) => ChatToolPart,
): readonly ChatPart[] =>
  // A report on a call the chat never saw has no part to go to.
  parts.some((p) => p.type === 'tool' && p.toolCallId === uuid)
    ? parts.map((p) => (p.type === 'tool' && p.toolCallId === uuid ? change(p) : p))
    : parts;

const textOf = (parts: readonly ChatPart[]) =>
  parts.map((p) => (p.type === 'text' ? p.text : '')).join('');

// The answer's parts once the server's whole text is known: when the tokens got it wrong (the
// server re-ran its backend and streamed its first tokens again), the final text replaces them.
const finalParts = (parts: readonly ChatPart[], text: string): readonly ChatPart[] => {
  const done = closed(parts);
  if (sameAnswerText(textOf(done), text)) return done;
  const others = done.filter((p) => p.type !== 'text');
  return text === '' ? others : [...others, { type: 'text', text, state: 'done' }];
};

/** The parts an answer's event changes, and whether it is output (the end of `submitted`). */
const answerChange = (
  answer: ChatMessage,
  event: CompletionEvent,
  fileUrl: (sha: string) => string | undefined,
): { answer: ChatMessage; output: boolean } | undefined => {
  const parts = answer.parts;
  const output = (next: readonly ChatPart[]) => ({
    answer: { ...answer, parts: next },
    output: true,
  });
  switch (event.type) {
    case 'token':
      return output(appendPiece(parts, 'text', event.text));
    case 'reasoning':
      return output(appendPiece(parts, 'reasoning', event.text));
    case 'tool-call':
      return output([
        ...closed(parts),
        {
          type: 'tool',
          toolCallId: event.uuid,
          toolName: event.name,
          input: event.parameters,
          state: 'input-available',
        },
      ]);
    case 'tool-result':
      return output(
        changeTool(parts, event.uuid, (tool) =>
          event.ok
            ? { ...tool, state: 'output-available', output: event.outputs }
            : {
                ...tool,
                state: 'output-error',
                errorText: event.message ?? `${event.name} failed`,
              },
        ),
      );
    case 'tool-error':
      return output(
        changeTool(parts, event.uuid, (tool) => ({
          ...tool,
          state: 'output-error',
          errorText: event.message,
        })),
      );
    case 'tool-progress': {
      const { progress, total, message, eta } = event;
      const report = { progress, total, message, eta };
      for (const key of Object.keys(report) as (keyof typeof report)[]) {
        if (report[key] === undefined) delete report[key];
      }
      return output(changeTool(parts, event.uuid, (tool) => ({ ...tool, progress: report })));
    }
    case 'file': {
      const url = fileUrl(event.sha);
      const file = { type: 'file' as const, filename: event.name, mediaType: event.mime };
      return output([...closed(parts), { ...file, sha: event.sha, ...(url ? { url } : {}) }]);
    }
    case 'reasoning-status':
      return { answer: { ...answer, reasoningStatus: event.status }, output: false };
    case 'done':
      return {
        answer: {
          ...answer,
          parts: finalParts(parts, event.text),
          state: event.interrupted ? 'stopped' : 'done',
        },
        output: true,
      };
    default:
      return undefined;
  }
};

// The answer a turn is writing: the last message, while it streams. `change` gives the new
// answer and what else changes, or nothing when nothing does.
const withAnswer = (
  state: ChatState,
  change: (answer: ChatMessage) => (Partial<ChatState> & { answer: ChatMessage }) | undefined,
): ChatState => {
  const last = state.messages[state.messages.length - 1];
  const changed = last?.role === 'assistant' && last.state === 'streaming' && change(last);
  if (!changed) return state;
  const { answer, ...rest } = changed;
  return { ...state, ...rest, messages: [...state.messages.slice(0, -1), answer] };
};

// The router's choice, on the turn's answer: v0.20 sends it after the final answer, before the
// turn's end.
const withRouter = (state: ChatState, { route, model, provider }: RouterEvent): ChatState => {
  const last = state.messages[state.messages.length - 1];
  if (last?.role !== 'assistant') return state;
  const router = provider === undefined ? { route, model } : { route, model, provider };
  return { ...state, messages: [...state.messages.slice(0, -1), { ...last, router }] };
};

const onEvent = (
  state: ChatState,
  event: CompletionEvent,
  options: ChatReducerOptions,
): ChatState => {
  if (event.type === 'title') return { ...state, title: event.title };
  if (!isRunning(state)) return state;
  if (event.type === 'router') return withRouter(state, event);
  const conversationId = event.type === 'done' ? event.conversationId : state.conversationId;
  const fileUrl = (sha: string) =>
    conversationId && options.fileUrl ? options.fileUrl(conversationId, sha) : undefined;
  return withAnswer(state, (last) => {
    const changed = answerChange(last, event, fileUrl);
    if (!changed) return undefined;
    return {
      answer: changed.answer,
      ...(changed.output && state.status === 'submitted' ? { status: 'streaming' as const } : {}),
      ...(event.type === 'done' ? { conversationId: event.conversationId } : {}),
    };
  });
};

// A turn's end: the answer, if it still streams, ends as `how` says.
const ended = (
  state: ChatState,
  how: 'done' | 'stopped' | 'error',
  rest: Partial<ChatState>,
  error?: unknown,
): ChatState =>
  withAnswer({ ...state, ...rest }, (answer) => ({
    answer: {
      ...answer,
      parts: closed(answer.parts),
      state: how,
      ...(how === 'error' ? { error } : {}),
    },
  }));

const fromHistory = (messages: readonly HistoryMessage[]): ChatMessage[] =>
  messages.flatMap((m, i) =>
    m.role === 'system'
      ? []
      : [
          {
            id: m.id ?? `stored-${i}`,
            role: m.role,
            parts: [
              ...(m.reasoning
                ? [{ type: 'reasoning' as const, text: m.reasoning, state: 'done' as const }]
                : []),
              ...(m.content === ''
                ? []
                : [{ type: 'text' as const, text: m.content, state: 'done' as const }]),
            ],
            ...(m.role === 'assistant' ? { state: 'done' as const } : {}),
          },
        ],
  );

/**
 * The pure step of a chat's state: the state after `action`. An action that changes nothing
 * (a keep-alive, a step, an event after the turn ended) returns `state` itself, so that a
 * `distinctUntilChanged` after it drops it. Give it to `scan` (or a store) with
 * `emptyChatState` to keep a chat's state of your own.
 */
export const chatReducer =
  (options: ChatReducerOptions = {}) =>
  (state: ChatState, action: ChatAction): ChatState => {
    switch (action.type) {
      case 'ask':
        return {
          ...state,
          status: 'submitted',
          error: undefined,
          messages: [...state.messages, action.user, emptyAnswer(action.answerId)],
        };
      case 'regenerate': {
        const last = state.messages[state.messages.length - 1];
        const kept = last?.role === 'assistant' ? state.messages.slice(0, -1) : state.messages;
        return {
          ...state,
          status: 'submitted',
          error: undefined,
          messages: [...kept, emptyAnswer(action.answerId)],
        };
      }
      case 'resume':
        return { ...state, status: 'submitted', error: undefined };
      case 'resumed': {
        // The live answer is the branch's last one, replayed from its start: it replaces what
        // the chat showed of it.
        const last = state.messages[state.messages.length - 1];
        const kept = last?.role === 'assistant' ? state.messages.slice(0, -1) : state.messages;
        const id = last?.role === 'assistant' ? last.id : action.answerId;
        return { ...state, messages: [...kept, emptyAnswer(id)] };
      }
      case 'event':
        return onEvent(state, action.event, options);
      case 'end':
        return isRunning(state) ? ended(state, 'done', { status: 'ready' }) : state;
      case 'stopped':
        return isRunning(state) ? ended(state, 'stopped', { status: 'ready' }) : state;
      case 'failed':
        return ended(state, 'error', { status: 'error', error: action.error }, action.error);
      case 'opened':
        return state.conversationId === action.conversationId
          ? state
          : { ...state, conversationId: action.conversationId };
      case 'history':
        // Read when the conversation was attached to, before any turn of this chat reached it.
        return { ...state, messages: [...fromHistory(action.messages), ...state.messages] };
      case 'clear-error':
        return state.status === 'error' ? { ...state, status: 'ready', error: undefined } : state;
      case 'reset':
        return emptyChatState;
    }
  };
