import type { Observable } from 'rxjs';
import { readJsonObject } from '../http/json';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import { unexpectedResponse } from '../protocol-errors';

/** chat-ui sends its conversation as superjson: `{ json, meta }`, sometimes as a string. */
export const parseSuperjson = (value: unknown): Record<string, unknown> | undefined => {
  try {
    const outer = (typeof value === 'string' ? JSON.parse(value) : value) as {
      json?: Record<string, unknown>;
    };
    return typeof outer?.json === 'object' && outer.json !== null ? outer.json : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The root (system) message of a superjson conversation, the parent of the first user
 * message: `rootMessageId`, or on older servers the first message.
 */
export const rootMessageId = (superjson: unknown): string | undefined => {
  const conversation = parseSuperjson(superjson);
  if (!conversation) return undefined;
  if (typeof conversation.rootMessageId === 'string') return conversation.rootMessageId;
  const first = (conversation.messages as Array<{ id?: unknown }> | undefined)?.[0];
  return typeof first?.id === 'string' ? first.id : undefined;
};

/**
 * `GET /api/v2/conversations/<id>`: older servers answer a new conversation without the
 * conversation itself, so its root message is fetched.
 */
export const rootMessage$ = (transport: Transport, id: string): Observable<string> =>
  exchange$<string>(transport, {
    step: 'conversation',
    path: `/api/v2/conversations/${encodeURIComponent(id)}`,
    init: { method: 'GET', headers: { accept: 'application/json' } },
    consume: async (received, out) => {
      const root = rootMessageId(await readJsonObject('conversation', received));
      if (root === undefined) throw unexpectedResponse('conversation', 'no root message id');
      out.next(root);
    },
  });
