import { completeLength, sequenceLength } from './utf8';
import type { Utf8Decoder } from './utf8';

// Node's build; browsers get utf8-decoder.browser.ts (scripts/build.mjs swaps it in), where
// there is no Buffer and this file's fast path would be dead weight.

type BufferLike = { toString(encoding: 'utf8', start?: number, end?: number): string };
type BufferStatic = { from(buffer: ArrayBufferLike, offset: number, length: number): BufferLike };

/**
 * Creates a {@link Utf8Decoder}.
 *
 * Node's Buffer decodes ASCII several times faster than a streaming `TextDecoder`, into
 * one-byte strings that `JSON.parse` then reads faster too; the `TextDecoder` is faster on
 * other text, and is all a browser has. A stream is mostly one or the other, so the decoder
 * follows the text: Buffer while it is ASCII, the `TextDecoder` once it is not. Buffer sees
 * whole characters only (a split one waits in `pending`); the `TextDecoder` keeps its own.
 */
export const createUtf8Decoder = (
  // Below this, wrapping a chunk in a Buffer costs more than it saves.
  bufferMinBytes = 512,
): Utf8Decoder => {
  const NodeBuffer = (globalThis as { Buffer?: BufferStatic }).Buffer;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const viaBuffer = (bytes: Uint8Array, end: number) =>
    (NodeBuffer as BufferStatic)
      .from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('utf8', 0, end);
  let buffering = false;
  // Buffer mode only: the first bytes of a character split across chunks (at most 3).
  let pending: Uint8Array | undefined;

  const fromDecoder = (chunk: Uint8Array) => {
    const text = decoder.decode(chunk, { stream: true });
    // All ASCII, ending in ASCII: the decoder holds nothing back, so Buffer can take over.
    const n = chunk.length;
    if (NodeBuffer && n >= bufferMinBytes && text.length === n && chunk[n - 1] < 0x80) {
      buffering = true;
    }
    return text;
  };

  const fromBuffer = (chunk: Uint8Array) => {
    let head = '';
    if (pending) {
      // Complete the split character with the continuation bytes that follow, if they do.
      const need = sequenceLength(pending[0]) - pending.length;
      let take = 0;
      while (take < need && take < chunk.length && (chunk[take] & 0xc0) === 0x80) take++;
      const joined = new Uint8Array(pending.length + take);
      joined.set(pending);
      joined.set(chunk.subarray(0, take), pending.length);
      chunk = chunk.subarray(take);
      if (take < need && chunk.length === 0) {
        pending = joined; // the chunk ended before the character did
        return '';
      }
      // Whole, or cut short by a byte that cannot continue it (then it decodes to U+FFFD).
      pending = undefined;
      head = viaBuffer(joined, joined.length);
    }
    const cut = completeLength(chunk);
    if (cut < chunk.length) pending = chunk.slice(cut);
    const text = viaBuffer(chunk, cut);
    if (text.length === cut) return head + text;
    // Not ASCII: hand over to the TextDecoder, with the split character's first bytes (which
    // it may already know to be invalid).
    buffering = false;
    const held = pending ? decoder.decode(pending, { stream: true }) : '';
    pending = undefined;
    return head + text + held;
  };

  return {
    decode: (chunk) => (buffering ? fromBuffer(chunk) : fromDecoder(chunk)),
    end() {
      const rest = pending;
      pending = undefined;
      return rest ? decoder.decode(rest) : decoder.decode();
    },
  };
};
