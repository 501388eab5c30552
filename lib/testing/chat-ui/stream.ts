import { randomUUID } from 'node:crypto';
import { messageError, respond, unexpectedError, type ChatUiSession } from './answers';
import { readForm } from './form';
import { readFiles, type StoredFile } from './files';
import { generate, type LeadStep, type Saved } from './generation';
import { reasoningLead, toolLead } from './lead';
import { createRun } from './run';
import type { ChatUiSettings } from './settings';
import type { ChatUiConversation, ChatUiMessage, ChatUiStore } from './store';
import { addChild, findMessage, pathTo } from './tree';
import type { Exchange } from '../server/exchange';
import { parseObjectId } from '../shared/object-id';
import { planAnswer } from '../shared/reply';
import { countMessage, isRateLimited } from '../shared/sessions';

// zod's uuid check (any version), as chat-ui applies it to message and generation ids.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An MCP server a request names in `selectedMcpServers`. */
interface McpServer {
  name: string;
  url: string;
  headers?: { key: string; value: string }[];
}

/** The `data` field chat-ui accepts. */
interface StreamData {
  inputs?: string;
  id?: string;
  isRetry: boolean;
  generationId?: string;
  selectedMcpServerNames?: string[];
  selectedMcpServers?: McpServer[];
  timezone?: string;
}

const optional = (value: unknown, check: (v: unknown) => boolean) =>
  value === undefined || check(value);
const isUuid = (v: unknown) => typeof v === 'string' && UUID.test(v);
const isString = (v: unknown) => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const arrayOf = (check: (v: unknown) => boolean) => (v: unknown) =>
  Array.isArray(v) && v.every(check);
const isHeader = (v: unknown) => isObject(v) && isString(v.key) && isString(v.value);
const isMcpServer = (v: unknown) =>
  isObject(v) && isString(v.name) && isString(v.url) && optional(v.headers, arrayOf(isHeader));
// The files the schema also takes in `data` (the server reads only the form's parts).
const isDataFile = (v: unknown) =>
  isObject(v) &&
  (v.type === 'base64' || v.type === 'hash') &&
  isString(v.name) &&
  isString(v.value) &&
  isString(v.mime);

/** The `data` field read as chat-ui's zod schema does; undefined where it throws (a 500). */
const readData = (text: string): StreamData | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const data = json as Record<string, unknown>;
  const valid =
    optional(data.inputs, (v) => typeof v === 'string' && v.trim() !== '') &&
    optional(data.id, isUuid) &&
    optional(data.is_retry, (v) => typeof v === 'boolean') &&
    optional(data.generationId, isUuid) &&
    optional(data.resumeElicitationId, isUuid) &&
    optional(data.selectedMcpServerNames, arrayOf(isString)) &&
    optional(data.selectedMcpServers, arrayOf(isMcpServer)) &&
    optional(data.timezone, isString) &&
    optional(data.files, arrayOf(isDataFile));
  if (!valid) return undefined;
  return {
    inputs: (data.inputs as string | undefined)?.replace(/\r\n/g, '\n'),
    id: data.id as string | undefined,
    isRetry: data.is_retry === true,
    generationId: data.generationId as string | undefined,
    selectedMcpServerNames: data.selectedMcpServerNames as string[] | undefined,
    selectedMcpServers: data.selectedMcpServers as McpServer[] | undefined,
    timezone: data.timezone as string | undefined,
  };
};

// What the request log shows of the turn's MCP selection and timezone.
const noteSelection = (x: Exchange, data: StreamData): void => {
  const { selectedMcpServerNames, selectedMcpServers, timezone } = data;
  const picked = { selectedMcpServerNames, selectedMcpServers, timezone };
  const given = Object.entries(picked).filter(([, value]) => value !== undefined);
  if (given.length > 0) x.note(Object.fromEntries(given));
};

/**
 * Whether chat-ui's MCP flow has a server for this turn: its own servers, with the request's
 * `selectedMcpServers` merged in by name, filtered by `selectedMcpServerNames` when given.
 */
const usesTools = (settings: ChatUiSettings, data: StreamData): boolean => {
  const servers = new Map(settings.mcpServers.map((s) => [s.name, s]));
  for (const s of data.selectedMcpServers ?? []) servers.set(s.name, s);
  const names = data.selectedMcpServerNames;
  return [...servers.keys()].some((name) => names === undefined || names.includes(name));
};

// The OpenAI adapter closes an open `<think>` block at the first content delta.
const closeThink = (lead: LeadStep[], tokens: string[]): string[] =>
  lead.some((step) => 'token' in step) && tokens.length > 0
    ? [`</think>${tokens[0]}`, ...tokens.slice(1)]
    : tokens;

/** Where the answer goes, or the error chat-ui answers instead. */
type Target =
  | { prompt: ChatUiMessage; answer: ChatUiMessage }
  | { status: 404; message: string }
  | { status: 500 };

/**
 * chat-ui's two ways to place a turn in the tree: a retry (a new answer beside the one named,
 * with a new prompt when `inputs` is given), or a new user message and its answer under the
 * parent named. `is_continue` is not in the server's schema: it is dropped unread, so a
 * "continue" is a new turn with an empty user message (07c, 07d).
 */
const placeTurn = (
  conversation: ChatUiConversation,
  data: StreamData,
  files: StoredFile[],
): Target => {
  const generationId = data.generationId ?? randomUUID();
  const named = findMessage(conversation, data.id);
  if (data.isRetry && data.id !== undefined) {
    if (!named) return { status: 404, message: 'Message not found' };
    const retried =
      named.from === 'assistant' ? findMessage(conversation, named.ancestors.at(-1)) : named;
    if (retried?.from !== 'user') return { status: 404, message: 'Message not found' };
    const prompt =
      data.inputs === undefined
        ? retried
        : addChild(conversation, 'user', data.inputs, retried.ancestors.at(-1), { files });
    const answer = prompt && addChild(conversation, 'assistant', '', prompt.id, { generationId });
    return prompt && answer ? { prompt, answer } : { status: 500 };
  }
  const prompt = addChild(conversation, 'user', data.inputs ?? '', data.id, { files });
  const answer = prompt && addChild(conversation, 'assistant', '', prompt.id, { generationId });
  return prompt && answer ? { prompt, answer } : { status: 500 };
};

// What chat-ui sends its OpenAI-compatible backend: the path down to the prompt, no empty system.
const backendRequest = (conversation: ChatUiConversation, prompt: ChatUiMessage) => ({
  model: conversation.model,
  messages: pathTo(conversation, prompt)
    .filter((m) => m.from !== 'system' || m.content !== '')
    .map((m) => ({ role: m.from, content: m.unsaved ? '' : m.content })),
});

/**
 * The messages as this request loaded them from the database, before its turn was placed:
 * what its saves write back over them (chat-ui saves the whole array: the last save wins).
 */
const loadedMessages = (conversation: ChatUiConversation): Map<ChatUiMessage, Saved> =>
  new Map(
    conversation.messages.map((m) => [
      m,
      m.unsaved
        ? { content: '', interrupted: undefined }
        : { content: m.content, interrupted: m.interrupted },
    ]),
  );

/**
 * `POST /conversation/:id`: checks in chat-ui's order (id, owner, rate limit, form, `data`,
 * the tree), then streams the answer. The form is `multipart/form-data` with one field `data`.
 */
export const streamRoute = async (
  x: Exchange,
  session: ChatUiSession,
  store: ChatUiStore,
  settings: ChatUiSettings,
  rawId: string,
): Promise<void> => {
  const fail = (status: number, message: string) =>
    respond(x, session, messageError(x, status, message));
  const id = parseObjectId(rawId);
  if (!id) return respond(x, session, unexpectedError(x));
  const conversation = store.conversation(id);
  if (conversation?.sessionId !== session.id) return fail(404, 'Conversation not found');
  const user = store.user(session.id);
  if (isRateLimited(user, x.settings.rateLimit)) {
    return fail(429, 'You are sending too many messages. Try again later.');
  }
  const form = readForm(x.req.headers['content-type'], x.body);
  if (!form) return respond(x, session, unexpectedError(x));
  const text = form.get('data');
  if (text === undefined) return fail(400, 'Invalid request');
  const data = readData(text);
  if (!data) return respond(x, session, unexpectedError(x));
  noteSelection(x, data);
  const files = readFiles(form);
  if (files.recorded.length > 0) x.note({ files: files.recorded });
  if (!files.ok) {
    return files.status === 413
      ? fail(413, 'File too large, should be <10MB')
      : respond(x, session, unexpectedError(x));
  }
  const firstTurn = conversation.title === 'New Chat' && conversation.messages.length === 1;
  const loaded = loadedMessages(conversation);
  const target = placeTurn(conversation, data, files.stored);
  if ('status' in target) {
    return target.status === 404
      ? fail(404, target.message)
      : respond(x, session, unexpectedError(x));
  }
  countMessage(user);
  target.answer.unsaved = true;
  const request = backendRequest(conversation, target.prompt);
  const promptFiles = target.prompt.files ?? [];
  x.settings.prompts.push({
    conversationId: conversation.id,
    prompt: target.prompt.content,
    params: request,
    ...(promptFiles.length === 0
      ? {}
      : { files: promptFiles.map(({ name, mime, value }) => ({ name, mime, sha: value })) }),
  });
  // The run is registered before the backend is asked, as chat-ui's writer is.
  const run = createRun(target.answer.generationId ?? '', target.answer.id);
  conversation.runs.push(run);
  const answer = await planAnswer(
    x.settings.reply,
    target.prompt.content,
    request,
    x.takeStreamFault(),
  );
  const model = settings.models.find((m) => m.id === conversation.model);
  const lead = [
    ...(model?.supportsReasoning ? reasoningLead(settings.reasoning) : []),
    ...(model?.supportsTools && usesTools(settings, data)
      ? toolLead(settings.tool(target.prompt.content))
      : []),
  ];
  await generate(x, {
    session,
    conversation,
    message: target.answer,
    loaded,
    run,
    lead,
    tokens: closeThink(lead, answer.tokens),
    title: firstTurn ? settings.title(target.prompt.content) : undefined,
    fault: answer.fault,
    // A throwing `reply` is not a backend chat-ui would retry: its error comes at once.
    backendRetryMs: answer.replyFailed ? 0 : settings.backendRetryMs,
  });
};
