import { uuidV4 } from './uuid';
import type { H2oSession } from './session';
import type { Message } from './prompt';
import { formatPrompt } from './prompt';
import { H2oInputError } from './errors';
import { isModelAlias, modelId } from './models';
import { isAbortSignalLike } from './signal';

/** The protocol a server speaks: 2023 chat-ui (H2O's) or today's chat-ui. */
export type Dialect = 'h2o' | 'chat-ui';

/** A WHATWG-compatible fetch. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

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
}

/** Everything a dialect pipeline needs, validated and with defaults applied. */
export interface ResolvedCompletion {
  readonly baseUrl: string;
  readonly origin: string;
  readonly model: string;
  readonly inputs: string;
  readonly fetch?: FetchLike;
  readonly headers: Record<string, string>;
  readonly parameters: Record<string, unknown>;
  readonly id: string;
  readonly responseId: string;
  readonly endToken: string;
  readonly stream: boolean;
  readonly session?: H2oSession;
  readonly dialect: Dialect;
  readonly maxLineBytes: number;
  readonly deleteAfter: boolean;
}

/** The server H2O ran; it is gone, so callers point `baseUrl` at their own. */
export const defaultBaseUrl = 'https://gpt-gm.h2o.ai';

/** The end token of H2O's models. */
export const defaultEndToken = '<|endoftext|>';

const controlTokens = ['<|endoftext|>', '<|prompt|>', '<|answer|>'];
const roles = new Set(['system', 'user', 'assistant']);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fail = (message: string): never => {
  throw new H2oInputError(message);
};

const check = (ok: boolean, message: string): void => {
  if (!ok) fail(message);
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const positiveNumber = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  check(
    typeof value === 'number' && Number.isFinite(value) && value > 0,
    `${name} must be a finite number > 0, got ${String(value)}`,
  );
  return value;
};

const positiveInteger = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  check(
    Number.isSafeInteger(value) && (value as number) > 0,
    `${name} must be a positive integer, got ${String(value)}`,
  );
  return value;
};

const boolean = (name: string, value: boolean | undefined, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  check(typeof value === 'boolean', `${name} must be a boolean, got ${typeof value}`);
  return value;
};

const uuidOption = (name: string, value: string | undefined): string => {
  if (value === undefined) return uuidV4();
  check(typeof value === 'string' && uuid.test(value), `${name} must be a UUID, got ${value}`);
  return value;
};

/** The base URL without a trailing slash, if it is http(s); else an input error. */
export const resolveBaseUrl = (value: string | undefined): { baseUrl: string; origin: string } => {
  const raw = value ?? defaultBaseUrl;
  check(typeof raw === 'string', 'baseUrl must be a string');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`baseUrl is not a URL: ${raw}`);
  }
  check(
    url.protocol === 'http:' || url.protocol === 'https:',
    `baseUrl must be http: or https:, got ${url.protocol}`,
  );
  check(!url.username && !url.password, 'baseUrl must not carry credentials');
  return { baseUrl: (url.origin + url.pathname).replace(/\/+$/, ''), origin: url.origin };
};

/** The dialect named, if known; else an input error. */
export const resolveDialect = (value: Dialect | undefined): Dialect => {
  const dialect = value ?? 'h2o';
  check(dialect === 'h2o' || dialect === 'chat-ui', `dialect must be 'h2o' or 'chat-ui'`);
  return dialect;
};

/** Extra headers, checked to be a record of strings. */
export const resolveHeaders = (
  value: Record<string, string> | undefined,
): Record<string, string> => {
  if (value === undefined) return {};
  check(isRecord(value), 'headers must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    check(typeof v === 'string', `header ${k} must be a string`);
  }
  return value;
};

/** Checks that `signal`, if given, can be listened to like an `AbortSignal`. */
export const resolveSignal = (signal: unknown): void =>
  check(signal === undefined || isAbortSignalLike(signal), 'signal must be an AbortSignal');

/** The fetch given, checked to be a function. */
export const resolveFetch = (value: FetchLike | undefined): FetchLike | undefined => {
  check(value === undefined || typeof value === 'function', 'fetch must be a function');
  return value;
};

const resolveModel = (model: string, dialect: Dialect): string => {
  check(typeof model === 'string' && model.trim() !== '', 'model must be a non-empty string');
  check(
    dialect === 'chat-ui' || isModelAlias(model) || model.includes('/'),
    `unknown model '${model}': use falcon-40b, falcon-7b, llama-13b or a full model id`,
  );
  return modelId(model);
};

const resolveMessages = (messages: readonly Message[], allowControl: boolean): void => {
  check(Array.isArray(messages) && messages.length > 0, 'messages must be a non-empty array');
  messages.forEach((m, i) => {
    check(isRecord(m), `messages[${i}] must be an object`);
    check(roles.has(m.role), `messages[${i}].role must be system, user or assistant`);
    check(typeof m.content === 'string', `messages[${i}].content must be a string`);
    if (!allowControl) {
      const token = controlTokens.find((t) => m.content.includes(t));
      check(
        token === undefined,
        `messages[${i}].content contains the control token ${token}; pass allowControlTokens: true to allow it`,
      );
    }
  });
};

/**
 * Validates a completion request and applies the defaults. Throws {@link H2oInputError};
 * callers run it inside `defer` so that the error arrives through the error channel.
 */
export const resolveCompletion = (
  model: string,
  messages: readonly Message[],
  options: CompletionOptions = {},
): ResolvedCompletion => {
  check(isRecord(options), 'options must be an object');
  const dialect = resolveDialect(options.dialect ?? options.session?.dialect);
  const { baseUrl, origin } = resolveBaseUrl(options.session?.baseUrl ?? options.baseUrl);
  const allowControl = boolean('allowControlTokens', options.allowControlTokens, false);
  resolveMessages(messages, allowControl);
  const prompt = options.prompt ?? formatPrompt;
  check(typeof prompt === 'function', 'prompt must be a function');
  const inputs = prompt(messages);
  check(typeof inputs === 'string' && inputs.trim() !== '', 'the prompt must be non-empty text');
  const extra = options.parameters ?? {};
  check(isRecord(extra), 'parameters must be an object');
  const endToken = options.endToken ?? defaultEndToken;
  check(typeof endToken === 'string' && endToken !== '', 'endToken must be a non-empty string');
  const session = options.session;
  check(
    session === undefined || (isRecord(session) && typeof session.fetch === 'function'),
    'session must come from openSession()',
  );
  resolveSignal(options.signal);
  return {
    baseUrl,
    origin,
    dialect,
    model: resolveModel(model, dialect),
    inputs,
    fetch: session?.fetch ?? resolveFetch(options.fetch),
    headers: resolveHeaders(options.headers),
    parameters: {
      temperature: positiveNumber('temperature', options.temperature, 0.4),
      truncate: positiveInteger('truncate', options.truncate, 2048),
      max_new_tokens: positiveInteger('maxNewTokens', options.maxNewTokens, 1024),
      do_sample: boolean('doSample', options.doSample, true),
      repetition_penalty: positiveNumber('repetitionPenalty', options.repetitionPenalty, 1.2),
      return_full_text: boolean('returnFullText', options.returnFullText, false),
      ...extra,
    },
    id: uuidOption('id', options.id),
    responseId: uuidOption('responseId', options.responseId),
    endToken,
    stream: boolean('stream', options.stream, true),
    session,
    maxLineBytes: positiveInteger('maxLineBytes', options.maxLineBytes, 16 * 1024 * 1024),
    deleteAfter: boolean('deleteAfter', options.deleteAfter, false),
  };
};
