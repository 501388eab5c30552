/** A streaming UTF-8 decoder: chunks may end in the middle of a character. */
export interface Utf8Decoder {
  /** The text of `chunk`, up to its last whole character; the rest waits for the next. */
  decode(chunk: Uint8Array): string;
  /** What is left at the end: an incomplete character becomes U+FFFD. */
  end(): string;
}

// The length of a UTF-8 sequence by its first byte (1 for ASCII and stray continuations).
export const sequenceLength = (byte: number) =>
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

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit < 0xe000;

/**
 * The UTF-8 size of `text` from `from` to `to` (UTF-16 units), without encoding it: a
 * surrogate pair is 4 bytes, a lone surrogate 3 (it encodes as U+FFFD).
 */
export const utf8Length = (text: string, from: number, to: number): number => {
  let bytes = to - from;
  for (let i = from; i < to; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (
      unit >= 0xd800 &&
      unit < 0xdc00 &&
      i + 1 < to &&
      isLowSurrogate(text.charCodeAt(i + 1))
    ) {
      bytes += 2; // a pair: two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
};
