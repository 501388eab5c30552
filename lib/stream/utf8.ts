/** A streaming UTF-8 decoder: chunks may end in the middle of a character. */
export interface Utf8Decoder {
  /** The text of `chunk`, up to its last whole character; the rest waits for the next. */
  decode(chunk: Uint8Array): string;
  /** What is left at the end: an incomplete character becomes U+FFFD. */
  end(): string;
}

type BufferLike = { toString(encoding: 'utf8', start?: number, end?: number): string };
type BufferStatic = { from(buffer: ArrayBufferLike, offset: number, length: number): BufferLike };

// The length of a UTF-8 sequence by its first byte (1 for ASCII and stray continuations).
const sequenceLength = (byte: number) =>
  byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;

/** Where the incomplete character at the end of `bytes`, if any, begins. */
export const completeLength = (bytes: Uint8Array): number => {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const byte = bytes[i];
    if ((byte & 0xc0) !== 0x80) return n - i >= sequenceLength(byte) ? n : i;
  }
  return n; // only continuation bytes: invalid, the decoder replaces them
};

/**
 * Node's Buffer decodes UTF-8 several times faster than a streaming `TextDecoder`, and into
 * one-byte strings when the text is ASCII, which `JSON.parse` then reads faster too. Browsers
 * have no Buffer: there a `TextDecoder` decodes whole characters only.
 */
const decodeWith = (): ((bytes: Uint8Array, end: number) => string) => {
  const NodeBuffer = (globalThis as { Buffer?: BufferStatic }).Buffer;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const viaDecoder = (bytes: Uint8Array, end: number) =>
    decoder.decode(end === bytes.length ? bytes : bytes.subarray(0, end));
  if (!NodeBuffer) return viaDecoder;
  // Wrapping a small chunk in a Buffer costs more than decoding it.
  return (bytes, end) =>
    end < 512
      ? viaDecoder(bytes, end)
      : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', 0, end);
};

/** Creates a {@link Utf8Decoder}. */
export const createUtf8Decoder = (): Utf8Decoder => {
  const decode = decodeWith();
  // The first bytes of a character split across chunks (at most 3).
  let pending: Uint8Array | undefined;

  return {
    decode(chunk) {
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
        head = decode(joined, joined.length);
      }
      const cut = completeLength(chunk);
      if (cut < chunk.length) pending = chunk.slice(cut);
      return cut === 0 ? head : head + decode(chunk, cut);
    },
    end() {
      const rest = pending;
      pending = undefined;
      return rest ? decode(rest, rest.length) : '';
    },
  };
};
