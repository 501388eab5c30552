import type {
  ChatUiUpdateEvent,
  KeepAliveEvent,
  RouterEvent,
  ToolProgressEvent,
  ToolResultEvent,
} from '../events';
import { serverError } from '../protocol-errors';
import { parseObject } from './parse-object';
import type { StreamSink } from './tgi';

// Every field an update of chat-ui's MessageUpdate.ts may carry, read defensively.
type Update = {
  type?: unknown;
  subtype?: unknown;
  status?: unknown;
  token?: unknown;
  text?: unknown;
  title?: unknown;
  message?: unknown;
  statusCode?: unknown;
  interrupted?: unknown;
  uuid?: unknown;
  call?: { name?: unknown; parameters?: unknown } | null;
  result?: {
    status?: unknown;
    call?: { name?: unknown } | null;
    outputs?: unknown;
    message?: unknown;
    display?: unknown;
  } | null;
  progress?: unknown;
  total?: unknown;
  eta?: unknown;
  name?: unknown;
  sha?: unknown;
  mime?: unknown;
  route?: unknown;
  model?: unknown;
  provider?: unknown;
};

// The server pads each token with U+0000 to 16 UTF-16 units; the padding is not text.
const stripPadding = (token: string): string => {
  const nul = token.indexOf('\u0000');
  return nul === -1 ? token : token.slice(0, nul);
};

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** One object for every keep-alive (ten a second): frozen, since every subscriber shares it. */
export const KEEP_ALIVE: KeepAliveEvent = Object.freeze({ type: 'keep-alive' });
// The keep-alive as chat-ui writes it (JSON.stringify of its update; transcripts-chat-ui/01e).
const KEEP_ALIVE_LINE = '{"type":"status","status":"keepAlive"}';

// Optional fields are set only when the server sent them, so events compare as sent.
const withOptional = <T extends object>(event: T, extra: Record<string, unknown>): T => {
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (event as Record<string, unknown>)[key] = value;
  }
  return event;
};

/** A `tool` update (call, result, error, eta, progress) as its event; undefined if unusable. */
const toolEvent = (u: Update): ChatUiUpdateEvent | undefined => {
  const uuid = str(u.uuid);
  if (uuid === undefined) return undefined;
  switch (u.subtype) {
    case 'call': {
      const name = str(u.call?.name);
      if (name === undefined) return undefined;
      return { type: 'tool-call', uuid, name, parameters: record(u.call?.parameters) };
    }
    case 'result': {
      const result = u.result;
      const name = str(result?.call?.name);
      if (!result || name === undefined) return undefined;
      const ok = result.status === 'success';
      const outputs = ok && Array.isArray(result.outputs) ? (result.outputs as unknown[]) : [];
      return withOptional<ToolResultEvent>(
        { type: 'tool-result', uuid, name, ok, outputs },
        {
          message: ok ? undefined : str(result.message),
          display: typeof result.display === 'boolean' ? result.display : undefined,
        },
      );
    }
    case 'error':
      return { type: 'tool-error', uuid, message: str(u.message) ?? '' };
    case 'eta':
      return withOptional<ToolProgressEvent>({ type: 'tool-progress', uuid }, { eta: num(u.eta) });
    case 'progress':
      return withOptional<ToolProgressEvent>(
        { type: 'tool-progress', uuid },
        { progress: num(u.progress), total: num(u.total), message: str(u.message) },
      );
    default:
      return undefined;
  }
};

/** Every update but `stream` and `finalAnswer` as its event; undefined for what is ignored. */
const sideEvent = (u: Update): ChatUiUpdateEvent | undefined => {
  switch (u.type) {
    case 'reasoning':
      if (u.subtype === 'stream') {
        const text = str(u.token);
        return text ? { type: 'reasoning', text } : undefined;
      }
      if (u.subtype === 'status') {
        const status = str(u.status);
        return status === undefined ? undefined : { type: 'reasoning-status', status };
      }
      return undefined;
    case 'tool':
      return toolEvent(u);
    case 'title': {
      const title = str(u.title);
      return title === undefined ? undefined : { type: 'title', title };
    }
    case 'file': {
      const [name, sha, mime] = [str(u.name), str(u.sha), str(u.mime)];
      if (name === undefined || sha === undefined) return undefined;
      return { type: 'file', name, sha, mime: mime ?? '' };
    }
    case 'routerMetadata':
      return withOptional<RouterEvent>(
        { type: 'router', route: str(u.route) ?? '', model: str(u.model) ?? '' },
        { provider: str(u.provider) },
      );
    default:
      return undefined;
  }
};

/**
 * Reads one update of today's chat-ui stream (a JSON line, chat-ui v0.20's `MessageUpdate`):
 * `stream` tokens (padding stripped) go to `sink.token`, `finalAnswer` to `sink.final` with
 * its `interrupted` flag, `status: error` throws `H2oProtocolError('server-error')`; reasoning
 * (stream, status), tool (call, result, error, eta, progress), file, title, routerMetadata and
 * keep-alive updates go to `sink.update` as their typed events, `finished` to
 * `sink.finished`. `started`, elicitations, types it does not know and updates missing their fields are ignored; a line
 * that is not a JSON object is `malformed`.
 */
export const readChatUiUpdate = (payload: string, sink: StreamSink): void => {
  // A keep-alive is every fifth line at 50 tokens a second, and always these bytes: no parse.
  if (payload === KEEP_ALIVE_LINE) return sink.update(KEEP_ALIVE);
  const update = parseObject<Update>(payload);
  // The token first: it is nearly every line, and allocates only its text.
  switch (update.type) {
    case 'stream': {
      const text = typeof update.token === 'string' ? stripPadding(update.token) : '';
      if (text !== '') sink.token({ type: 'token', text });
      return;
    }
    case 'finalAnswer':
      sink.final(typeof update.text === 'string' ? update.text : '', update.interrupted === true);
      return;
    case 'status':
      if (update.status === 'keepAlive') return sink.update(KEEP_ALIVE);
      if (update.status === 'finished') return sink.finished?.();
      if (update.status === 'error') {
        const message = typeof update.message === 'string' ? update.message : 'unknown error';
        const code = update.statusCode === undefined ? undefined : String(update.statusCode);
        throw serverError(message, code);
      }
      return;
    default: {
      const event = sideEvent(update);
      if (event) sink.update(event);
    }
  }
};
