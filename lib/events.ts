/**
 * A handshake step that made a request; `resume` is a re-attachment to an answer whose
 * connection dropped (dialect chat-ui).
 */
export type HandshakeStep = 'session' | 'settings' | 'conversation' | 'stream' | 'resume';

/** A step finished: its own time, request start → response headers. */
export interface StepEvent {
  type: 'step';
  /** Which step. */
  step: HandshakeStep;
  /** The step's own time, request start → response headers, in ms. */
  ms: number;
}

/** One token of the answer, with what the server said about it. */
export interface TokenEvent {
  type: 'token';
  /** The token's text (never empty, never padding). */
  text: string;
  /** The model's token id, where the server sends it (TGI). */
  id?: number;
  /** The token's log-probability, where the server sends it (TGI). */
  logprob?: number;
  /** Always false for emitted tokens: special tokens are not text. */
  special?: boolean;
}

/** The answer is complete: the server's whole text, and how many tokens were emitted. */
export interface DoneEvent {
  type: 'done';
  /** The server's whole answer (`generated_text` or `finalAnswer.text`). */
  text: string;
  /** How many token events were emitted. */
  tokens: number;
  /** The conversation the answer belongs to. */
  conversationId: string;
  /**
   * Dialect chat-ui: the server cut the answer short (a stop reached it); `text` is what was
   * kept. Absent in dialect h2o.
   */
  interrupted?: boolean;
  /**
   * Dialect chat-ui: the reasoning the server's final text held in `<think>` blocks, which
   * `text` no longer has. Absent when there was none.
   */
  reasoning?: string;
}

/**
 * Dialect chat-ui: a piece of a reasoning model's thinking, kept apart from the answer: what
 * the server streams inside `<think>…</think>` (today's chat-ui sends a model's reasoning so),
 * or in a `reasoning` update.
 */
export interface ReasoningEvent {
  type: 'reasoning';
  /** The reasoning text (never part of the answer's text). */
  text: string;
}

/** Dialect chat-ui: what the reasoning phase is doing now ("Thinking…", a summary line). */
export interface ReasoningStatusEvent {
  type: 'reasoning-status';
  status: string;
}

/** Dialect chat-ui: the model calls a tool (an MCP server's, or the server's own). */
export interface ToolCallEvent {
  type: 'tool-call';
  /** Joins the call to its result, error and progress events. */
  uuid: string;
  /** The tool's name. */
  name: string;
  /** The call's arguments as the server parsed them. */
  parameters: Record<string, unknown>;
}

/** Dialect chat-ui: a tool answered. */
export interface ToolResultEvent {
  type: 'tool-result';
  uuid: string;
  name: string;
  /** False when the tool reported a failure (`message` says which). */
  ok: boolean;
  /** What the tool returned (empty when it failed). */
  outputs: unknown[];
  /** The tool's failure message, when `ok` is false. */
  message?: string;
  /** Whether the server's own front end would show the result. */
  display?: boolean;
}

/** Dialect chat-ui: a tool call failed before it answered. */
export interface ToolErrorEvent {
  type: 'tool-error';
  uuid: string;
  message: string;
}

/** Dialect chat-ui: a running tool's progress (`progress` of `total`) or its expected time. */
export interface ToolProgressEvent {
  type: 'tool-progress';
  uuid: string;
  progress?: number;
  total?: number;
  message?: string;
  /** The server's estimate of the call's duration, as it sent it. */
  eta?: number;
}

/** Dialect chat-ui: a file the answer produced (or the server stored for the turn). */
export interface FileEvent {
  type: 'file';
  name: string;
  /** The server's id of the file (its content hash). */
  sha: string;
  mime: string;
}

/** Dialect chat-ui: the title the server gave the conversation (first turn only). */
export interface TitleEvent {
  type: 'title';
  title: string;
}

/** Dialect chat-ui: which route and model the server's router chose for this answer. */
export interface RouterEvent {
  type: 'router';
  route: string;
  model: string;
  provider?: string;
}

/**
 * Dialect chat-ui: the server is alive and working (it writes one every 100 ms on the stream;
 * a resumed answer's channel, a heartbeat every 250 ms with nothing new). Nothing to show: it
 * lets an idle `timeout` on the events tell a long reasoning phase from a dead server.
 */
export interface KeepAliveEvent {
  type: 'keep-alive';
}

/**
 * Everything `completionEvents$` emits: narrow on `type`.
 *
 * @example
 * completionEvents$('falcon-40b', messages, { baseUrl }).subscribe((e: CompletionEvent) => {
 *   if (e.type === 'step') console.error(`${e.step} ${e.ms} ms`);
 *   else if (e.type === 'token') process.stdout.write(e.text);
 *   else if (e.type === 'done') console.log(`\n${e.tokens} tokens in ${e.conversationId}`);
 * });
 */
export type CompletionEvent =
  | StepEvent
  | TokenEvent
  | DoneEvent
  | ReasoningEvent
  | ReasoningStatusEvent
  | ToolCallEvent
  | ToolResultEvent
  | ToolErrorEvent
  | ToolProgressEvent
  | FileEvent
  | TitleEvent
  | RouterEvent
  | KeepAliveEvent;

/** The events only dialect chat-ui emits: what the server says beside the answer's text. */
export type ChatUiUpdateEvent = Exclude<CompletionEvent, StepEvent | TokenEvent | DoneEvent>;
