import { completeLength } from '../../lib/stream/utf8';
import { createUtf8Decoder } from '../../lib/stream/utf8-decoder';
import { createUtf8Decoder as createBrowserDecoder } from '../../lib/stream/utf8-decoder.browser';

const decodeAll = (
  bytes: Uint8Array,
  cuts: number[],
  bufferMinBytes?: number,
  decoder = createUtf8Decoder(bufferMinBytes),
) => {
  let text = '';
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    text += decoder.decode(bytes.subarray(at, cut));
    at = cut;
  }
  return text + decoder.end();
};

const text = 'aé€😀b\u{10348}z, données 日本語 🙂';
const bytes = new TextEncoder().encode(text);

describe('createUtf8Decoder', () => {
  it('decodes the same text whichever byte a chunk ends at', () => {
    for (let cut = 0; cut <= bytes.length; cut++) expect(decodeAll(bytes, [cut])).toBe(text);
  });

  it('decodes the same text one byte at a time', () => {
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(decodeAll(bytes, cuts)).toBe(text);
  });

  it('replaces invalid bytes and an incomplete last character with U+FFFD, as TextDecoder does', () => {
    for (const bad of [
      [0xff, 0x41],
      [0x80, 0x80, 0x41],
      [0xe2, 0x82],
      [0x41, 0xf0, 0x9f, 0x98],
    ]) {
      const input = new Uint8Array(bad);
      expect(decodeAll(input, [])).toBe(new TextDecoder().decode(input));
      for (let cut = 0; cut <= input.length; cut++) {
        expect(decodeAll(input, [cut])).toBe(new TextDecoder().decode(input));
      }
    }
  });

  it('finds where an incomplete last character begins', () => {
    const euro = [0xe2, 0x82, 0xac];
    expect(completeLength(new Uint8Array([0x41, ...euro]))).toBe(4);
    expect(completeLength(new Uint8Array([0x41, 0xe2, 0x82]))).toBe(1);
    expect(completeLength(new Uint8Array([0x41, 0xf0]))).toBe(1);
    expect(completeLength(new Uint8Array([]))).toBe(0);
  });

  it('decodes the same without Buffer (as in a browser)', () => {
    // ASCII first, and every chunk big enough for Buffer: with Buffer, its path would be taken.
    const mixed = new TextEncoder().encode(`${'ascii '.repeat(20)}${text}`);
    const from = jest.spyOn(Buffer, 'from');
    expect(decodeAll(mixed, [60], 0)).toBe(new TextDecoder().decode(mixed));
    expect(from).toHaveBeenCalled();
    from.mockRestore();
    const saved = globalThis.Buffer;
    // @ts-expect-error: a browser has no Buffer
    delete globalThis.Buffer;
    try {
      for (let cut = 0; cut <= mixed.length; cut++) {
        expect(decodeAll(mixed, [cut], 0)).toBe(new TextDecoder().decode(mixed));
      }
    } finally {
      globalThis.Buffer = saved;
    }
  });
});

// The browser build's decoder (swapped in by scripts/build.mjs): the same answers.
describe('createUtf8Decoder, browser build', () => {
  it('decodes the same text whichever byte a chunk ends at, one byte at a time too', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeAll(bytes, [cut], undefined, createBrowserDecoder())).toBe(text);
    }
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(decodeAll(bytes, cuts, undefined, createBrowserDecoder())).toBe(text);
  });

  it('replaces invalid bytes and an incomplete last character with U+FFFD, keeps a BOM', () => {
    for (const bad of [
      [0xff, 0x41],
      [0xe2, 0x82],
      [0x41, 0xf0, 0x9f, 0x98],
      [0xef, 0xbb, 0xbf, 0x41],
    ]) {
      const input = new Uint8Array(bad);
      for (let cut = 0; cut <= input.length; cut++) {
        expect(decodeAll(input, [cut], undefined, createBrowserDecoder())).toBe(
          decodeAll(input, [cut]),
        );
      }
    }
  });
});
