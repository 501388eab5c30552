import fc from 'fast-check';
import { H2oProtocolError } from '../../lib/errors';
import { createLineDecoder } from '../../lib/stream/lines';

const encoder = new TextEncoder();

// Feeds `bytes` cut at `cuts`; the lines, or the error's reason.
const decode = (bytes: Uint8Array, cuts: number[], max: number): string[] | string => {
  const lines: string[] = [];
  const decoder = createLineDecoder((line) => lines.push(line), max);
  try {
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      decoder.feed(bytes.subarray(at, cut));
      at = cut;
    }
    decoder.end();
  } catch (err) {
    return (err as H2oProtocolError).reason;
  }
  return lines;
};

describe('the line cap', () => {
  it('costs work linear in the line: no re-encoding of the unfinished line per chunk', () => {
    const max = 8 * 1024 * 1024;
    const line = new Uint8Array(max + 1).fill(0x61);
    line[max] = 0x0a; // exactly maxLineBytes, then its line break
    const chunk = 64 * 1024;
    const cuts = Array.from({ length: Math.floor(line.length / chunk) }, (_, i) => (i + 1) * chunk);
    const encode = jest.spyOn(TextEncoder.prototype, 'encode');
    try {
      let got: string[] | string = [];
      got = decode(line, cuts, max);
      expect(typeof got === 'string' ? got : got.map((l) => l.length)).toEqual([max]);
      const encoded = encode.mock.results.reduce(
        (sum, r) => sum + (r.value as Uint8Array).length,
        0,
      );
      // At most a few passes over the line, not one per chunk.
      expect(encoded).toBeLessThanOrEqual(2 * max);
    } finally {
      encode.mockRestore();
    }
  });

  it('a line one byte over the cap is line-too-long in the same chunked feed', () => {
    const max = 1024 * 1024;
    const line = encoder.encode('€'.repeat(max / 3 + 1) + '\n'); // max + 3 bytes
    const cuts = Array.from({ length: 300 }, (_, i) => (i + 1) * 3001);
    expect(decode(line, cuts, max)).toBe('line-too-long');
  });

  it('triggers at exactly maxLineBytes, wherever the chunks are cut', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => !/[\r\n]/.test(s) && !s.startsWith('\ufeff'));
    fc.assert(
      fc.property(
        text,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: -2, max: 2 }),
        fc.boolean(),
        (line, rawCuts, delta, terminated) => {
          const bytes = encoder.encode(terminated ? `${line}\n\n` : line);
          const size = encoder.encode(line).length;
          const max = Math.max(1, size + delta);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const got = decode(bytes, cuts, max);
          if (size > max) expect(got).toBe('line-too-long');
          else expect(got).toEqual(terminated ? [line, ''] : []);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
