import type { EncodedFile, McpSelection } from '../files';
import { multipartField } from '../http/multipart';
import { fail } from './checks';
import type { WireBody } from '../http/transport';
import type { Dialect } from './types';

/** JSON text of `value`; a value JSON cannot carry (BigInt, a cycle) is an input error. */
export const jsonText = (what: string, value: unknown): string => {
  try {
    return JSON.stringify(value);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return fail(`${what} cannot be sent as JSON: ${why}`, err);
  }
};

const json = (text: string): WireBody => ({ body: text, contentType: 'application/json' });

/**
 * `POST /settings`: dialect h2o's form exactly as the provider sent it; today's chat-ui takes
 * JSON (a form gets 500).
 */
export const settingsBody = (dialect: Dialect, model: string): WireBody => {
  if (dialect === 'chat-ui') {
    return json(
      jsonText('the settings', {
        activeModel: model,
        shareConversationsWithModelAuthors: false,
        welcomeModalSeen: true,
      }),
    );
  }
  let active: string;
  try {
    active = encodeURIComponent(model);
  } catch (err) {
    return fail('model cannot be sent in the settings form', err);
  }
  return {
    body:
      'ethicsModalAccepted=true&shareConversationsWithModelAuthors=true&ethicsModalAcceptedAt=' +
      `&activeModel=${active}&searchEnabled=true`,
    contentType: 'application/x-www-form-urlencoded',
  };
};

/** What the stream body is made of. */
export interface StreamInput {
  readonly inputs: string;
  readonly parameters: Record<string, unknown>;
  readonly id: string;
  readonly responseId: string;
  readonly generationId: string;
  /** Dialect chat-ui: the MCP selection, sent in `data` as chat-ui's front end sends it. */
  readonly mcp?: McpSelection;
}

/**
 * Dialect h2o's stream body: the provider's JSON, `stream` always true on the wire;
 * `isRetry` as the front end's retry sends it (the server then replaces the turn from the
 * user message `s.id` on, or appends it when it has no such message).
 */
export const h2oStreamBody = (s: Omit<StreamInput, 'generationId'>, isRetry: boolean): WireBody =>
  json(
    jsonText('parameters', {
      inputs: s.inputs,
      parameters: s.parameters,
      stream: true,
      options: {
        id: s.id,
        response_id: s.responseId,
        is_retry: isRetry,
        use_cache: false,
        web_search_id: '',
      },
    }),
  );

/**
 * The stream request's body, serialised now so that bad input fails before any request.
 * Dialect h2o: the provider's JSON, `stream` always true on the wire. Dialect chat-ui: one
 * multipart field `data`, whose `id` (the root message) is filled in after the conversation.
 */
export const streamBody = (
  dialect: Dialect,
  s: StreamInput,
): ((parentId: string, files?: readonly EncodedFile[]) => WireBody) => {
  if (dialect === 'h2o') {
    const body = h2oStreamBody(s, false);
    return () => body;
  }
  return (parentId, files = []) =>
    chatUiStreamBody(
      { inputs: s.inputs, id: parentId, is_retry: false },
      s.generationId,
      s.mcp,
      files,
    );
};

/**
 * The body of today's chat-ui stream request as its front end sends it: the `data` field
 * (`turn`: the new message's `inputs` or a retry, the parent `id`, `is_retry`; then
 * `is_continue: false`, the `generationId` and the MCP selection), after the files' parts.
 * `is_continue` is never set: it does nothing good on the server (it appends an empty user
 * message).
 */
export const chatUiStreamBody = (
  turn: Record<string, unknown>,
  generationId: string,
  mcp: McpSelection | undefined,
  files: readonly EncodedFile[] = [],
): WireBody =>
  // Strings only: nothing here can fail to serialise.
  multipartField(
    'data',
    JSON.stringify({ ...turn, is_continue: false, generationId, ...mcp }),
    files,
  );
