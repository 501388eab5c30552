import type { Dialect } from '../dialect';
import type { EncodedFile, H2oFile, H2oMcpServer, TurnFileSource } from '../files';
import type { FetchLike } from '../http/fetch-like';
import type { Transport, WireBody } from '../http/transport';
import type { ModelId } from '../models';
import type { Message } from '../prompt';

export type { Dialect } from '../dialect';

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
  /** The headers it was opened with: they go with every completion that uses it. */
  readonly headers?: Readonly<Record<string, string>>;
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
  model?: ModelId;
  /** Aborting it ends the session's opening as `takeUntil` would (requests aborted). */
  signal?: AbortSignal;
}

/**
 * Options of `completion$` and `completionEvents$`; all optional. Each says which dialect
 * uses it: `h2o` (2023 chat-ui in front of TGI), `chat-ui` (today's), or both.
 */
export interface CompletionOptions {
  /**
   * The chat server (default `https://gpt-gm.h2o.ai`).
   * Dialects: both.
   */
  baseUrl?: string;
  /**
   * The fetch to use; default: cross-fetch with a fresh cookie jar (Node), global fetch (browser).
   * Dialects: both.
   */
  fetch?: FetchLike;
  /**
   * Sampling temperature, finite and > 0 (default 0.4).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  temperature?: number;
  /**
   * Input truncation in tokens, a positive integer (default 2048).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  truncate?: number;
  /**
   * Most tokens to generate, a positive integer (default 1024).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  maxNewTokens?: number;
  /**
   * Sample rather than decode greedily (default true).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  doSample?: boolean;
  /**
   * Repetition penalty, finite and > 0 (default 1.2).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  repetitionPenalty?: number;
  /**
   * Have the server echo the prompt before the answer (default false).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  returnFullText?: boolean;
  /**
   * `options.id` of the stream request, a UUID (default: a fresh v4).
   * Dialect: `h2o` only.
   */
  id?: string;
  /**
   * `options.response_id` of the stream request, a UUID (default: a fresh v4).
   * Dialect: `h2o` only.
   */
  responseId?: string;
  /**
   * The token that ends the answer (default `<|endoftext|>`).
   * Dialects: both.
   */
  endToken?: string;
  /**
   * Turns the messages into the `inputs` text (default {@link formatPrompt}).
   * Dialects: both.
   */
  prompt?: (messages: readonly Message[]) => string;
  /**
   * Extra headers on every request.
   * Dialects: both.
   */
  headers?: Record<string, string>;
  /**
   * `false`: emit the whole answer once instead of token by token (default true).
   * Dialects: both.
   */
  stream?: boolean;
  /**
   * A session from `openSession()`: skip the session and settings steps.
   * Dialects: both.
   */
  session?: H2oSession;
  /**
   * The server's protocol (default `'h2o'`).
   * Dialects: both.
   */
  dialect?: Dialect;
  /**
   * Extra generation parameters passed through as they are (`top_p`, `stop`, `seed`, …).
   * Dialect: `h2o` only (dialect `chat-ui` servers choose their own).
   */
  parameters?: Record<string, unknown>;
  /**
   * A stream line longer than this many bytes is an error (default 16 MiB).
   * Dialects: both.
   */
  maxLineBytes?: number;
  /**
   * `DELETE` the conversation once the answer is complete (default false).
   * Dialects: both.
   */
  deleteAfter?: boolean;
  /**
   * Allow the model's control tokens inside message content (default false).
   * Dialects: both.
   */
  allowControlTokens?: boolean;
  /**
   * Aborting it ends the completion as `takeUntil` would: requests aborted, stop-generating
   * sent while streaming, the Observable completes without an error.
   * Dialects: both.
   */
  signal?: AbortSignal;
  /**
   * How many times an answer whose connection dropped re-attaches to the server's generation
   * (`GET /conversation/<id>/stream`), a non-negative integer (default 3; 0 turns it off).
   * Dialect: `chat-ui` only (the 2023 server has no such channel).
   */
  resume?: number;
  /**
   * Files sent with the message, as `ask$`'s `files` are (checked the same way before any
   * request of the turn).
   * Dialect: `chat-ui` only (an `H2oInputError` in dialect h2o).
   */
  files?: H2oFile[];
  /**
   * The MCP servers the answer may use, as `openConversation`'s `mcpServers` are.
   * Dialect: `chat-ui` only.
   */
  mcpServers?: H2oMcpServer[];
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
  readonly streamBody: (parentId: string, files?: readonly EncodedFile[]) => WireBody;
  /** The files to send (dialect chat-ui), checked, not read yet. */
  readonly files: TurnFileSource[];
}

/** What `openSession` needs, validated. */
export interface ResolvedSession {
  readonly session: H2oSession;
  readonly origin: string;
  readonly transport: Transport;
  readonly settingsBody: WireBody;
}
