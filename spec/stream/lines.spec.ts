import { createLineDecoder } from '../../lib/stream/lines';
import { H2oProtocolError } from '../../lib/errors';

const encode = (text: string) => new TextEncoder().encode(text);

// Feeds `bytes` in chunks cut at the given offsets and returns the lines.
const linesOf = (bytes: Uint8Array, cuts: number[] = [], max = 1 << 20): string[] => {
  const lines: string[] = [];
  const decoder = createLineDecoder((line) => lines.push(line), max);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.feed(bytes.subarray(at, cut));
    at = cut;
  }
  const unterminated = decoder.end();
  return unterminated === '' ? lines : [...lines, `unterminated: ${unterminated}`];
};

describe('createLineDecoder', () => {
  const text = 'héllo wörld 👋\r\ndata:{"a":1}\n\n: comment\rlast line €';
  const expected = ['héllo wörld 👋', 'data:{"a":1}', '', ': comment', 'unterminated: last line €'];

  it('splits on \\n, \\r\\n and \\r', () => {
    expect(linesOf(encode(text))).toEqual(expected);
  });

  it('gives the same lines whichever byte offset a chunk ends at', () => {
    const bytes = encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(linesOf(bytes, [cut])).toEqual(expected);
    }
  });

  it('gives the same lines when every byte is its own chunk', () => {
    const bytes = encode(text);
    const cuts = Array.from({ length: bytes.length }, (_, i) => i);
    expect(linesOf(bytes, cuts)).toEqual(expected);
  });

  it('treats a \\r\\n split across chunks as one line break', () => {
    const bytes = encode('a\r\nb\r\n');
    expect(linesOf(bytes, [2])).toEqual(['a', 'b']);
  });

  it('keeps empty lines between consecutive breaks', () => {
    expect(linesOf(encode('a\n\n\nb\n'))).toEqual(['a', '', '', 'b']);
  });

  it('does not emit an empty last line when the stream ends with a break', () => {
    expect(linesOf(encode('a\n'))).toEqual(['a']);
  });

  it('refuses a line longer than maxLineBytes, counting bytes not characters', () => {
    const long = encode('€'.repeat(10)); // 30 bytes, 10 characters
    expect(() => linesOf(long, [15], 20)).toThrow(H2oProtocolError);
    try {
      linesOf(long, [15], 20);
    } catch (err) {
      expect((err as H2oProtocolError).reason).toBe('line-too-long');
    }
    expect(linesOf(encode('€'.repeat(6) + '\n'), [9], 20)).toEqual(['€'.repeat(6)]);
  });

  it('drops a byte order mark at the start of the stream only', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const body = new TextEncoder().encode('a\n');
    const bytes = new Uint8Array([...bom, ...body, ...bom, ...body]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(linesOf(bytes, [cut])).toEqual(['a', '\ufeffa']);
    }
  });
});
