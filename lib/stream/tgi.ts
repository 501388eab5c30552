import type { ChatUiUpdateEvent, TokenEvent } from '../events';
import { malformed, serverError } from '../protocol-errors';
import { parseObject } from './parse-object';

/** Where a decoded stream update goes. */
export interface StreamSink {
  /** A non-empty token: ordinary text, or (`special: true`) a special token mid-stream. */
  token(event: TokenEvent): void;
  /**
   * The server's final update, with the whole answer; `interrupted` where the dialect says
   * (chat-ui's `finalAnswer.interrupted`), undefined in dialect h2o.
   */
  final(text: string, interrupted?: boolean): void;
  /** Dialect chat-ui: what the server said beside the answer (reasoning, tools, a title…). */
  update(event: ChatUiUpdateEvent): void;
  /** Dialect chat-ui: the server's `finished` status, its last word after the final update. */
  finished?(): void;
}

type Raw = {
  token?: { id?: number; text?: unknown; logprob?: number; special?: boolean } | null;
  generated_text?: unknown;
  error?: unknown;
  error_type?: unknown;
};

/**
 * Reads one TGI stream event (the `data` of an SSE event). An in-band `{"error":…}` event
 * throws `H2oProtocolError('server-error')`; a payload that is not a JSON object throws
 * `H2oProtocolError('malformed')`.
 */
export const readTgiEvent = (payload: string, sink: StreamSink): void => {
  const raw = parseObject<Raw>(payload);
  if (raw.error !== undefined && raw.error !== null) {
    const message = typeof raw.error === 'string' ? raw.error : JSON.stringify(raw.error);
    throw serverError(message, typeof raw.error_type === 'string' ? raw.error_type : undefined);
  }
  const { token, generated_text: final } = raw;
  if (!token && typeof final !== 'string') {
    throw malformed(payload, 'not a TGI event: ');
  }
  if (token && typeof token.text === 'string' && token.text !== '') {
    const { text, id, logprob } = token;
    // The final event's token is emitted first when it is ordinary text (a stop on length).
    if (token.special !== true) sink.token({ type: 'token', text, id, logprob, special: false });
    // A special token is not text, but one mid-stream may be the end token: the stream step
    // decides. The final event's special token (`<|endoftext|>`) is covered by `final`.
    else if (typeof final !== 'string')
      sink.token({ type: 'token', text, id, logprob, special: true });
  }
  if (typeof final === 'string') sink.final(final);
};
