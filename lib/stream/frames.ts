import { unexpectedResponse } from '../protocol-errors';

/**
 * Turns lines into event payloads, for both stream formats the servers use, decided by the
 * first non-blank line whatever the Content-Type says (servers mislabel it):
 * - server-sent events (`data:` or `:` first): the `data` of each event, dispatched at the
 *   blank line that ends it (several `data:` lines join with `\n`); comments, other fields
 *   and blank lines are skipped;
 * - NDJSON (`{` first): each non-blank line is a payload.
 * An HTML page (`<` first) is `H2oProtocolError('unexpected-response')`.
 */
export interface EventDecoder {
  /** Takes the next line (without its line break). */
  line(line: string): void;
  /** Dispatches an event the stream ended in without its blank line. */
  end(): void;
}

/** Creates an {@link EventDecoder} that calls `onPayload` with each event's data. */
export const createEventDecoder = (onPayload: (payload: string) => void): EventDecoder => {
  let data: string | undefined;

  const sse = (line: string) => {
    if (line === '') {
      if (data !== undefined) {
        const payload = data;
        data = undefined;
        onPayload(payload);
      }
      return;
    }
    // Match `data:` at the start of a line only: answers may contain the text "data:".
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
    } else if (line === 'data') {
      data = data === undefined ? '' : `${data}\n`;
    }
    // Comments (`:`), `event:`, `id:`, `retry:` and unknown fields carry no payload here.
  };

  const ndjson = (line: string) => {
    if (line.trim() !== '') onPayload(line);
  };

  // Until the first non-blank line decides the format; then the decided reader is called
  // directly, with no test per line.
  let read = (line: string) => {
    const start = line.trimStart();
    if (start === '') return;
    // A page (a login wall, a proxy's error) where the stream should be: no stream at all.
    if (start.startsWith('<')) {
      throw unexpectedResponse('stream', `an HTML page instead of a stream: ${start.slice(0, 80)}`);
    }
    read = start.startsWith('{') ? ndjson : sse;
    read(line);
  };

  return {
    line: (line) => read(line),
    end() {
      if (data !== undefined) {
        const payload = data;
        data = undefined;
        onPayload(payload);
      }
    },
  };
};
