/** One update of the stream: a JSON object and a newline (`application/jsonl`). */
export const updateLine = (update: Record<string, unknown>): string =>
  `${JSON.stringify(update)}\n`;

/** The first line of every stream. */
export const STARTED = updateLine({ type: 'status', status: 'started' });

/** Sent every 100 ms from the start while the server generates. */
export const KEEP_ALIVE = updateLine({ type: 'status', status: 'keepAlive' });

/** How often {@link KEEP_ALIVE} is sent. */
export const KEEP_ALIVE_MS = 100;

// chat-ui pads each token so its length on the wire does not leak the token's: U+0000 up to 16
// UTF-16 units, which JSON.stringify writes as the escape `\u0000`.
const TOKEN_WIDTH = 16;

/** A token of the answer, right-padded with U+0000. */
export const tokenLine = (token: string): string =>
  updateLine({ type: 'stream', token: token.padEnd(TOKEN_WIDTH, '\0') });

/** The conversation's title, sent on its first turn only. */
export const titleLine = (title: string): string => updateLine({ type: 'title', title });

/** The whole answer: the only text a client should trust. */
export const finalAnswerLine = (text: string, interrupted: boolean): string =>
  updateLine({ type: 'finalAnswer', text, interrupted });

// 4096 spaces, no newline, before the last line: chat-ui's push past proxy buffers.
export const PADDING = ' '.repeat(4096);

/** The last line of a stream that went well. */
export const FINISHED_LINE = updateLine({ type: 'status', status: 'finished' });

/**
 * The error update that ends a failed stream. The OpenAI SDK's messages start with the backend's
 * HTTP status (`"500 …"`), which chat-ui also passes as `statusCode`; a connection error has none.
 */
export const errorUpdate = (message: string): Record<string, unknown> => {
  const status = /^([1-5]\d\d) /.exec(message)?.[1];
  return {
    type: 'status',
    status: 'error',
    message,
    ...(status ? { statusCode: Number(status) } : {}),
  };
};

/** A line cut off mid-JSON, as a broken proxy would pass it on. */
export const MALFORMED_LINE = '{"type":"stream","token":"\n';
