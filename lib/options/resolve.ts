import { checkFiles, mcpSelection } from '../files';
import { mergeHeaders } from '../http/merge-headers';
import { resolveTransport } from '../http/transport';
import { defaultModel, isModelAlias, modelId } from '../models';
import type { Message } from '../prompt';
import { formatPrompt } from '../prompt';
import { uuidV4 } from '../uuid';
import { settingsBody, streamBody } from './bodies';
import {
  boolean,
  check,
  fail,
  isRecord,
  positiveInteger,
  positiveNumber,
  resolveBaseUrl,
  resolveDialect,
  resolveFetch,
  resolveHeaders,
  resolveSignal,
  uuidOption,
} from './checks';
import type {
  CompletionOptions,
  Dialect,
  ResolvedCompletion,
  ResolvedSession,
  SessionOptions,
} from './types';

/** The end token of H2O's models. */
export const defaultEndToken = '<|endoftext|>';

const controlTokens = ['<|endoftext|>', '<|prompt|>', '<|answer|>'];
const roles = new Set(['system', 'user', 'assistant']);

// The sampling options, by their option name and their TGI name.
const sampling = [
  ['temperature', 'temperature'],
  ['truncate', 'truncate'],
  ['maxNewTokens', 'max_new_tokens'],
  ['doSample', 'do_sample'],
  ['repetitionPenalty', 'repetition_penalty'],
  ['returnFullText', 'return_full_text'],
] as const;

const resolveModel = (model: string, dialect: Dialect): string => {
  check(typeof model === 'string' && model.trim() !== '', 'model must be a non-empty string');
  check(
    dialect === 'chat-ui' || isModelAlias(model) || model.includes('/'),
    `unknown model '${model}': use falcon-40b, falcon-7b, llama-13b or a full model id`,
  );
  return modelId(model);
};

/**
 * The text of a message (`where` names it in the error): a string that, unless
 * `allowControl`, carries none of H2O's control tokens. Throws `H2oInputError`.
 */
export const checkContent = (content: unknown, where: string, allowControl: boolean): void => {
  check(typeof content === 'string', `${where} must be a string`);
  const token = allowControl
    ? undefined
    : controlTokens.find((t) => (content as string).includes(t));
  check(
    token === undefined,
    `${where} contains the control token ${token}; pass allowControlTokens: true to allow it`,
  );
};

const resolveMessages = (messages: readonly Message[], allowControl: boolean): void => {
  check(Array.isArray(messages) && messages.length > 0, 'messages must be a non-empty array');
  messages.forEach((m, i) => {
    check(isRecord(m), `messages[${i}] must be an object`);
    check(roles.has(m.role), `messages[${i}].role must be system, user or assistant`);
    checkContent(m.content, `messages[${i}].content`, allowControl);
  });
};

/** What `prompt` makes of the messages: non-empty text. Throws `H2oInputError`. */
export const promptInputs = (
  prompt: (messages: readonly Message[]) => string,
  messages: readonly Message[],
): string => {
  let inputs: string;
  try {
    inputs = prompt(messages);
  } catch (err) {
    return fail(`the prompt function threw: ${err instanceof Error ? err.message : err}`, err);
  }
  check(typeof inputs === 'string' && inputs.trim() !== '', 'the prompt must be non-empty text');
  return inputs;
};

const resolveInputs = (messages: readonly Message[], options: CompletionOptions): string => {
  const prompt = options.prompt ?? formatPrompt;
  check(typeof prompt === 'function', 'prompt must be a function');
  return promptInputs(prompt, messages);
};

// Today's chat-ui takes no sampling parameters from the client: passing one is a mistake.
const resolveParameters = (options: CompletionOptions, dialect: Dialect) => {
  if (dialect === 'chat-ui') {
    const given = [...sampling.map(([name]) => name), 'parameters' as const].filter(
      (name) => options[name] !== undefined,
    );
    check(
      given.length === 0,
      `dialect chat-ui takes no sampling parameters (the server's model configuration decides): ${given.join(', ')}`,
    );
  }
  const extra = options.parameters ?? {};
  check(isRecord(extra), 'parameters must be an object');
  return {
    temperature: positiveNumber('temperature', options.temperature, 0.4),
    truncate: positiveInteger('truncate', options.truncate, 2048),
    max_new_tokens: positiveInteger('maxNewTokens', options.maxNewTokens, 1024),
    do_sample: boolean('doSample', options.doSample, true),
    repetition_penalty: positiveNumber('repetitionPenalty', options.repetitionPenalty, 1.2),
    return_full_text: boolean('returnFullText', options.returnFullText, false),
    ...extra,
  };
};

// A session is opened on one server in one dialect: the options may repeat them, not differ.
const resolveSessionOption = (options: CompletionOptions) => {
  const session = options.session;
  if (session === undefined) return undefined;
  check(
    isRecord(session) && typeof session.fetch === 'function',
    'session must come from openSession()',
  );
  if (options.baseUrl !== undefined) {
    const { baseUrl } = resolveBaseUrl(options.baseUrl);
    check(
      baseUrl === session.baseUrl,
      `baseUrl ${baseUrl} differs from the session's ${session.baseUrl}`,
    );
  }
  check(
    options.dialect === undefined || options.dialect === session.dialect,
    `dialect ${options.dialect} differs from the session's ${session.dialect}`,
  );
  return session;
};

const resumeCount = (value: number | undefined): number => {
  if (value === undefined) return 3;
  check(
    Number.isSafeInteger(value) && value >= 0,
    `resume must be an integer >= 0, got ${String(value)}`,
  );
  return value;
};

/**
 * Validates a completion request, applies the defaults and builds the request bodies. Throws
 * {@link H2oInputError}; callers run it inside `defer`, once per subscription (the ids are
 * fresh each time), so that the error arrives through the error channel before any request.
 */
export const resolveCompletion = (
  model: string,
  messages: readonly Message[],
  options: CompletionOptions = {},
): ResolvedCompletion => {
  check(isRecord(options), 'options must be an object');
  const session = resolveSessionOption(options);
  const dialect = resolveDialect(options.dialect ?? session?.dialect);
  const { baseUrl, origin } = resolveBaseUrl(session?.baseUrl ?? options.baseUrl);
  const allowControl = boolean('allowControlTokens', options.allowControlTokens, false);
  resolveMessages(messages, allowControl);
  const inputs = resolveInputs(messages, options);
  const parameters = resolveParameters(options, dialect);
  const endToken = options.endToken ?? defaultEndToken;
  check(typeof endToken === 'string' && endToken !== '', 'endToken must be a non-empty string');
  resolveSignal(options.signal);
  const headers = resolveHeaders(options.headers);
  const fetch = session?.fetch ?? resolveFetch(options.fetch);
  const id = uuidOption('id', options.id);
  const responseId = uuidOption('responseId', options.responseId);
  const generationId = uuidV4();
  const resolvedModel = resolveModel(model, dialect);
  const files = checkFiles(options.files, dialect);
  const mcp = mcpSelection(options.mcpServers, dialect);
  const s = { inputs, parameters, id, responseId, generationId, mcp };
  return {
    baseUrl,
    origin,
    dialect,
    model: resolvedModel,
    inputs,
    parameters,
    id,
    responseId,
    generationId,
    endToken,
    stream: boolean('stream', options.stream, true),
    session,
    maxLineBytes: positiveInteger('maxLineBytes', options.maxLineBytes, 16 * 1024 * 1024),
    deleteAfter: boolean('deleteAfter', options.deleteAfter, false),
    resume: resumeCount(options.resume),
    settingsBody: settingsBody(dialect, resolvedModel),
    streamBody: streamBody(dialect, s),
    files,
    // Last: a default fetch is made only for valid options.
    // The session's headers, the completion's own over them.
    transport: resolveTransport(baseUrl, mergeHeaders(session?.headers ?? {}, headers), fetch),
  };
};

/** Validates `openSession`'s options and builds its settings body. Throws `H2oInputError`. */
export const resolveSession = (options: SessionOptions = {}): ResolvedSession => {
  check(isRecord(options), 'options must be an object');
  const { baseUrl, origin } = resolveBaseUrl(options.baseUrl);
  const dialect = resolveDialect(options.dialect);
  resolveSignal(options.signal);
  const name = options.model ?? defaultModel;
  check(typeof name === 'string' && name.trim() !== '', 'model must be a non-empty string');
  const model = modelId(name);
  const headers = resolveHeaders(options.headers);
  const transport = resolveTransport(baseUrl, headers, resolveFetch(options.fetch));
  return {
    session: { baseUrl, dialect, fetch: transport.fetch, model, headers },
    origin,
    transport,
    settingsBody: settingsBody(dialect, model),
  };
};
