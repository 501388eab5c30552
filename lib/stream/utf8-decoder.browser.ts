import type { Utf8Decoder } from './utf8';

/**
 * Creates a {@link Utf8Decoder} for browsers (swapped in for utf8-decoder.ts by
 * scripts/build.mjs): the `TextDecoder`, which is all a browser has (utf8-decoder.ts takes the
 * same path where there is no Buffer).
 */
export const createUtf8Decoder = (): Utf8Decoder => {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    decode: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
};
