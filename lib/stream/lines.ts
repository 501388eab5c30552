import type { H2oStep } from '../errors';
import { lineTooLong } from '../protocol-errors';
import { utf8Length } from './utf8';
import { createUtf8Decoder } from './utf8-decoder';

/** Splits a byte stream into text lines; see {@link createLineDecoder}. */
export interface LineDecoder {
  /** Decodes `chunk` and calls `onLine` for every line it completes. */
  feed(chunk: Uint8Array): void;
  /**
   * Ends the stream. An unterminated last line is not a line (the body may have been cut in
   * it, as the SSE spec reads it): it is returned, not passed to `onLine`.
   */
  end(): string;
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

  // The unfinished line's size in bytes, kept as it grows (re-encoding it on every chunk
  // made a long line cost quadratic time); undefined while it is surely under the cap.
  let tailBytes: number | undefined;

  const tooLong = () => {
    tail = '';
    tailBytes = undefined;
    return lineTooLong(step, maxLineBytes);
  };

  // UTF-16 units never outnumber UTF-8 bytes and one unit is at most 3 bytes, so bytes are
  // counted only near the cap, and only those of `text` from `from` to `to` that are new.
  const bytesWith = (text: string, from: number, to: number): number | undefined => {
    const units = tail.length + to - from;
    if (units * 3 <= maxLineBytes) return undefined;
    if (units > maxLineBytes) throw tooLong();
    const bytes = (tailBytes ?? utf8Length(tail, 0, tail.length)) + utf8Length(text, from, to);
    if (bytes > maxLineBytes) throw tooLong();
    return bytes;
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
      bytesWith(text, start, end);
      const line = tail === '' ? text.slice(start, end) : tail + text.slice(start, end);
      tail = '';
      tailBytes = undefined;
      onLine(line);
      start = next;
    }
    if (start < text.length) {
      tailBytes = bytesWith(text, start, text.length);
      tail += text.slice(start);
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
      const last = tail;
      tail = '';
      tailBytes = undefined;
      return last;
    },
  };
};
