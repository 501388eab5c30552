import type { FetchLike } from '../http/fetch-like';
import type { Transport, WireBody } from '../http/transport';
import type { Message } from '../prompt';

/** The protocol a server speaks: 2023 chat-ui (H2O's) or today's chat-ui. */
export type Dialect = 'h2o' | 'chat-ui';

/** A server session (its cookie jar inside `fetch`) that completions can share. */
export interface H2oSession {
  /** The server, without a trailing slash. */
  readonly baseUrl: string;
  /** The protocol the session was opened with. */
  readonly dialect: Dialect;
  /** The fetch that carries the session's cookie. */
  readonly fetch: FetchLike;
  /** The model chosen in the settings. */
  readonly model: string;
}

/** Options of `openSession`; all optional. */
export interface SessionOptions {
  /** The chat server (default `https://gpt-gm.h2o.ai`). */
  baseUrl?: string;
  /** The fetch to use (default: a fresh cookie jar over cross-fetch in Node). */
  fetch?: FetchLike;
  /** Extra headers on the session's requests. */
  headers?: Record<string, string>;
  /** The server's protocol (default `'h2o'`). */
  dialect?: Dialect;
  /** The model to choose in the settings (default `falcon-40b`). */
  model?: string;
}

/** Options of `completion$` and `completionEvents$`; all optional. */
export interface CompletionOptions {
  /** The chat server (default `https://gpt-gm.h2o.ai`). */
  baseUrl?: string;
  /** The fetch to use; default: cross-fetch with a fresh cookie jar (Node), global fetch (browser). */
  fetch?: FetchLike;
  /** Sampling temperature, finite and > 0 (default 0.4). */
  temperature?: number;
  /** Input truncation in tokens, a positive integer (default 2048). */
  truncate?: number;
  /** Most tokens to generate, a positive integer (default 1024). */
  maxNewTokens?: number;
  /** Sample rather than decode greedily (default true). */
  doSample?: boolean;
  /** Repetition penalty, finite and > 0 (default 1.2). */
  repetitionPenalty?: number;
  /** Have the server echo the prompt before the answer (default false). */
  returnFullText?: boolean;
  /** `options.id` of the stream request, a UUID (default: a fresh v4). */
  id?: string;
  /** `options.response_id` of the stream request, a UUID (default: a fresh v4). */
  responseId?: string;
  /** The token that ends the answer (default `<|endoftext|>`). */
  endToken?: string;
  /** Turns the messages into the `inputs` text (default {@link formatPrompt}). */
  prompt?: (messages: readonly Message[]) => string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** `false`: emit the whole answer once instead of token by token (default true). */
  stream?: boolean;
  /** A session from `openSession()`: skip the session and settings steps. */
  session?: H2oSession;
  /** The server's protocol (default `'h2o'`). */
  dialect?: Dialect;
  /** Extra generation parameters passed through as they are (`top_p`, `stop`, `seed`, …). */
  parameters?: Record<string, unknown>;
  /** A stream line longer than this many bytes is an error (default 16 MiB). */
  maxLineBytes?: number;
  /** `DELETE` the conversation once the answer is complete (default false). */
  deleteAfter?: boolean;
  /** Allow the model's control tokens inside message content (default false). */
  allowControlTokens?: boolean;
  /**
   * Dialect chat-ui: how many times an answer whose connection dropped re-attaches to the
   * server's generation (`GET /conversation/<id>/stream`), a non-negative integer (default 3;
   * 0 turns it off). Dialect h2o has no such channel.
   */
  resume?: number;
}

/** Everything a dialect pipeline needs, validated, with defaults applied and bodies built. */
export interface ResolvedCompletion {
  readonly baseUrl: string;
  readonly origin: string;
  readonly model: string;
  readonly inputs: string;
  readonly transport: Transport;
  readonly parameters: Record<string, unknown>;
  readonly id: string;
  readonly responseId: string;
  /** chat-ui's id of the answer being generated (its stop request names it). */
  readonly generationId: string;
  readonly endToken: string;
  readonly stream: boolean;
  readonly session?: H2oSession;
  readonly dialect: Dialect;
  readonly maxLineBytes: number;
  readonly deleteAfter: boolean;
  /** Re-attachments allowed per answer (dialect chat-ui). */
  readonly resume: number;
  /** `POST /settings` of a completion without a session (dialect h2o). */
  readonly settingsBody: WireBody;
  /**
   * The stream request's body. Dialect chat-ui names the root message, known only after the
   * conversation step; everything from the user's input is already serialised and checked.
   */
  readonly streamBody: (parentId: string) => WireBody;
}

/** What `openSession` needs, validated. */
export interface ResolvedSession {
  readonly session: H2oSession;
  readonly origin: string;
  readonly transport: Transport;
  readonly settingsBody: WireBody;
}
