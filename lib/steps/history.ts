import type { Observable } from 'rxjs';
import { H2oHttpError } from '../errors';
import { maxErrorBody } from '../http/http-error';
import { readJsonObject } from '../http/json';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import type { Role } from '../prompt';
import { unexpectedResponse } from '../protocol-errors';
import { conversationPath } from './conversation';
import { unflatten } from './devalue';
import { parseSuperjson } from './root-message';

/** One stored message, as `messages$()` gives it. */
export interface HistoryMessage {
  role: Role;
  content: string;
  /** The server's id of the message. */
  id?: string;
  /**
   * Dialect chat-ui, an answer: the reasoning its stored text held in `<think>` blocks, which
   * `content` no longer has.
   */
  reasoning?: string;
}

type Stored = Record<string, unknown>;

const isRecord = (value: unknown): value is Stored =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const toMessage = (m: Stored): HistoryMessage | undefined => {
  const role = m.from;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') return undefined;
  const content = typeof m.content === 'string' ? m.content : '';
  const message: HistoryMessage =
    typeof m.id === 'string' ? { role, content, id: m.id } : { role, content };
  // chat-ui keeps the reasoning of its `reasoning` updates on the message, beside its text.
  if (typeof m.reasoning === 'string' && m.reasoning !== '') message.reasoning = m.reasoning;
  return message;
};

// A page load that threw: SvelteKit answers 200 and puts the error in the node.
const nodeError = (node: Stored, url: string): H2oHttpError => {
  const status = typeof node.status === 'number' ? node.status : 500;
  const error = isRecord(node.error) ? node.error : {};
  const said = typeof error.message === 'string' ? error.message : 'Internal Error';
  return new H2oHttpError(
    'conversation',
    { status, url, body: JSON.stringify(node).slice(0, maxErrorBody) },
    `conversation: HTTP ${status}: ${said}`,
  );
};

/**
 * The page node's messages of a `__data.json` answer (dialect h2o), in order; an error node (a
 * conversation that is gone: 404) is the `H2oHttpError` its status says, as the stream's is.
 */
export const h2oDataMessages = (json: Stored, url = ''): HistoryMessage[] => {
  const nodes = Array.isArray(json.nodes) ? json.nodes : [];
  for (const node of nodes) {
    if (isRecord(node) && node.type === 'error') throw nodeError(node, url);
    if (!isRecord(node) || node.type !== 'data' || !Array.isArray(node.data)) continue;
    const page = unflatten(node.data);
    if (isRecord(page) && Array.isArray(page.messages)) {
      return page.messages.filter(isRecord).flatMap((m) => toMessage(m) ?? []);
    }
  }
  throw unexpectedResponse('conversation', 'no messages in __data.json');
};

/** The stored messages of a superjson conversation (dialect chat-ui), by id. */
const byId = (conversation: Stored): Map<string, Stored> =>
  new Map(
    (Array.isArray(conversation.messages) ? conversation.messages : [])
      .filter(isRecord)
      .flatMap((m) => (typeof m.id === 'string' ? [[m.id, m] as const] : [])),
  );

// `rootMessageId`, or on older servers the first message.
const rootIdOf = (conversation: Stored, messages = byId(conversation)): string | undefined =>
  typeof conversation.rootMessageId === 'string'
    ? conversation.rootMessageId
    : (messages.keys().next().value as string | undefined);

/** The root (system) message of a stored chat-ui conversation, the parent of its first turn. */
export const chatUiRootId = (conversation: Stored): string | undefined => rootIdOf(conversation);

// The stored messages along the branch a chat-ui conversation follows, from the root: the last
// child at each step (the newest answer of a regenerate, the newest edit).
const branchOf = (conversation: Stored): Stored[] => {
  const messages = byId(conversation);
  const rootId = rootIdOf(conversation, messages);
  const branch: Stored[] = [];
  const seen = new Set<string>();
  for (let m = rootId ? messages.get(rootId) : undefined; m && !seen.has(m.id as string);) {
    seen.add(m.id as string);
    branch.push(m);
    const children = Array.isArray(m.children) ? m.children : [];
    const last = children[children.length - 1];
    m = typeof last === 'string' ? messages.get(last) : undefined;
  }
  return branch;
};

/**
 * The branch a chat-ui conversation follows: from the root, the last child at each step (the
 * newest answer of a regenerate, the newest edit). The empty system root is left out.
 */
export const chatUiBranch = (conversation: Stored): HistoryMessage[] =>
  branchOf(conversation).flatMap((m) => {
    const message = toMessage(m);
    return message && !(message.role === 'system' && message.content === '') ? [message] : [];
  });

/** The id of the last stored message of the branch a chat-ui conversation follows. */
export const chatUiTipId = (conversation: Stored): string | undefined => {
  const id = branchOf(conversation).at(-1)?.id;
  return typeof id === 'string' ? id : undefined;
};

// chat-ui marks an answer's end in its stored updates (`finished`, `error`) and, once it has a
// final answer, with `interrupted` on the message itself (transcripts 08e and 08g).
const hasEnded = (m: Stored): boolean =>
  m.interrupted !== undefined ||
  (Array.isArray(m.updates) &&
    m.updates.some(
      (u: unknown) =>
        isRecord(u) && u.type === 'status' && (u.status === 'finished' || u.status === 'error'),
    ));

/**
 * The generation still running on the tip of a chat-ui conversation's branch: its answer
 * carries a `generationId` and has not ended. Undefined when none is live.
 */
export const chatUiLiveGeneration = (conversation: Stored): string | undefined => {
  const tip = branchOf(conversation).at(-1);
  return tip?.from === 'assistant' && typeof tip.generationId === 'string' && !hasEnded(tip)
    ? tip.generationId
    : undefined;
};

/** The id of the answer chat-ui stored for `generationId`, if it has it. */
export const chatUiAnswerId = (conversation: Stored, generationId: string): string | undefined => {
  for (const m of byId(conversation).values()) {
    if (m.generationId === generationId && typeof m.id === 'string') return m.id;
  }
  return undefined;
};

/**
 * True once chat-ui stored the answer of `generationId` whole: it sets `interrupted` with the
 * final text, and saves the message after the stream has ended (transcripts 08e, 08g).
 */
export const chatUiFinished = (conversation: Stored, generationId: string): boolean => {
  for (const m of byId(conversation).values()) {
    if (m.generationId === generationId) return typeof m.interrupted === 'boolean';
  }
  return false;
};

/** `GET /conversation/<id>/__data.json` as the 2023 front end reads it after each turn. */
export const h2oHistory$ = (transport: Transport, id: string): Observable<HistoryMessage[]> =>
  exchange$(transport, {
    step: 'conversation',
    // The layout node (the conversation list) is not needed: the server skips it.
    path: `${conversationPath(id)}/__data.json?x-sveltekit-invalidated=_1`,
    init: { method: 'GET', headers: { accept: 'application/json' } },
    consume: async (received, out) => {
      out.next(h2oDataMessages(await readJsonObject('conversation', received), received.url));
    },
  });

/** `GET /api/v2/conversations/<id>` (today's chat-ui): the stored conversation, superjson's `json`. */
export const chatUiStored$ = (transport: Transport, id: string): Observable<Stored> =>
  exchange$(transport, {
    step: 'conversation',
    path: `/api/v2/conversations/${encodeURIComponent(id)}`,
    init: { method: 'GET', headers: { accept: 'application/json' } },
    consume: async (received, out) => {
      const conversation = parseSuperjson(await readJsonObject('conversation', received));
      if (!conversation) throw unexpectedResponse('conversation', 'no conversation in the answer');
      out.next(conversation);
    },
  });
