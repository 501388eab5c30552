import type { H2oStep } from '../errors';
import { lineTooLong } from '../protocol-errors';
import { createUtf8Decoder } from './utf8';

/** Splits a byte stream into text lines; see {@link createLineDecoder}. */
export interface LineDecoder {
  /** Decodes `chunk` and calls `onLine` for every line it completes. */
  feed(chunk: Uint8Array): void;
  /** Flushes the last line, if the stream did not end with a line break. */
  end(): void;
}

/**
 * A streaming bytes → lines decoder. UTF-8 characters and line breaks (`\n`, `\r\n`, `\r`,
 * and a `\r\n` split across chunks) may fall anywhere in a chunk. Only the unfinished last
 * line is kept between chunks; one longer than `maxLineBytes` throws
 * `H2oProtocolError('line-too-long')`, so memory stays bounded.
 */
export const createLineDecoder = (
  onLine: (line: string) => void,
  maxLineBytes: number,
  step: H2oStep = 'stream',
): LineDecoder => {
  const decoder = createUtf8Decoder();
  // A byte order mark may start the stream, and only the stream.
  let first = true;
  let tail = '';
  // A chunk that ended in `\r` may be followed by the `\n` of the same line break.
  let skipLeadingLF = false;

  // UTF-16 units never outnumber UTF-8 bytes and one unit is at most 3 bytes, so the exact
  // count is needed only near the cap.
  const check = (text: string) => {
    if (text.length * 3 <= maxLineBytes) return;
    const bytes = text.length > maxLineBytes ? text.length : new TextEncoder().encode(text).length;
    if (bytes > maxLineBytes) {
      tail = '';
      throw lineTooLong(step, maxLineBytes);
    }
  };

  const split = (text: string) => {
    let start = 0;
    if (skipLeadingLF) {
      skipLeadingLF = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    // The first `\r` at or after `start`, searched again only once a line has passed it: one
    // search per `\r`, not a scan to the end of the chunk for every line after one.
    let cr = text.indexOf('\r', start);
    for (;;) {
      let end = text.indexOf('\n', start);
      let next = end + 1;
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (cr !== -1 && (end === -1 || cr < end)) {
        end = cr;
        if (cr + 1 === text.length) {
          skipLeadingLF = true;
          next = cr + 1;
        } else {
          next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        }
      }
      if (end === -1) break;
      const line = tail === '' ? text.slice(start, end) : tail + text.slice(start, end);
      tail = '';
      check(line);
      onLine(line);
      start = next;
    }
    if (start < text.length) {
      tail += text.slice(start);
      check(tail);
    }
  };

  return {
    feed(chunk) {
      let text = decoder.decode(chunk);
      if (text === '') return;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      split(text);
    },
    end() {
      const rest = decoder.end();
      if (rest !== '') split(rest);
      if (tail !== '') {
        const last = tail;
        tail = '';
        onLine(last);
      }
    },
  };
};
