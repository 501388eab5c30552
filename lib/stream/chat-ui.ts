import { serverError } from '../protocol-errors';
import { parseObject } from './parse-object';
import type { StreamSink } from './tgi';

type Update = {
  type?: unknown;
  status?: unknown;
  token?: unknown;
  text?: unknown;
  message?: unknown;
  statusCode?: unknown;
};

// The server pads each token with U+0000 to 16 UTF-16 units; the padding is not text.
const stripPadding = (token: string): string => {
  const nul = token.indexOf('\u0000');
  return nul === -1 ? token : token.slice(0, nul);
};

/**
 * Reads one update of today's chat-ui stream (a JSON line): `stream` tokens (padding
 * stripped), `finalAnswer` (the whole answer), `status: error` (an
 * `H2oProtocolError('server-error')`). Keep-alives, titles and types it does not know are
 * ignored; a line that is not a JSON object is `malformed`.
 */
export const readChatUiUpdate = (payload: string, sink: StreamSink): void => {
  const update = parseObject<Update>(payload);
  switch (update.type) {
    case 'stream': {
      const text = typeof update.token === 'string' ? stripPadding(update.token) : '';
      if (text !== '') sink.token({ type: 'token', text });
      return;
    }
    case 'finalAnswer':
      sink.final(typeof update.text === 'string' ? update.text : '');
      return;
    case 'status':
      if (update.status === 'error') {
        const message = typeof update.message === 'string' ? update.message : 'unknown error';
        const code = update.statusCode === undefined ? undefined : String(update.statusCode);
        throw serverError(message, code);
      }
      return;
    default:
      return;
  }
};
