import fc from 'fast-check';
import { H2oProtocolError } from '../../lib/errors';
import type { PayloadReader } from '../../lib/stream/pump';
import { pumpStream } from '../../lib/stream/pump';
import { readChatUiUpdate } from '../../lib/stream/chat-ui';
import { readTgiEvent } from '../../lib/stream/tgi';
import { createUtf8Decoder } from '../../lib/stream/utf8-decoder';

async function* chunksAt(bytes: Uint8Array, cuts: number[]) {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

const run = async (bytes: Uint8Array, cuts: number[], read: PayloadReader, max = 1 << 20) => {
  const tokens: string[] = [];
  const finals: string[] = [];
  await pumpStream(chunksAt(bytes, cuts), max, read, {
    token: (t) => tokens.push(t.text),
    final: (f) => finals.push(f),
    update: () => undefined,
  });
  return { tokens, finals };
};

const tokenText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 });
const eol = fc.constantFrom('\n', '\r\n', '\r');

// Any valid TGI stream: ordinary tokens, optional comments, `data:` with or without a space.
const tgiStream = fc
  .tuple(fc.array(fc.tuple(tokenText, fc.boolean(), fc.boolean()), { maxLength: 12 }), eol)
  .map(([tokens, eolChar]) => {
    const lines: string[] = [];
    tokens.forEach(([text, space, comment], i) => {
      if (comment) lines.push(': keep-alive', '');
      const json = JSON.stringify({
        token: { id: i, text, logprob: -1, special: false },
        generated_text: null,
      });
      lines.push(`data:${space ? ' ' : ''}${json}`, '');
    });
    const whole = tokens.map(([t]) => t).join('');
    lines.push(
      `data:${JSON.stringify({ token: { id: 0, text: '<|endoftext|>', special: true }, generated_text: whole })}`,
      '',
    );
    return { text: lines.join(eolChar) + eolChar, tokens: tokens.map(([t]) => t), whole };
  });

const cutsFor = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 6 });

describe('parser fuzz (fast-check)', () => {
  it('any split of any valid TGI stream yields the same tokens and final text', async () => {
    await fc.assert(
      fc.asyncProperty(
        tgiStream.chain((s) => {
          const bytes = new TextEncoder().encode(s.text);
          return fc.tuple(fc.constant(s), fc.constant(bytes), cutsFor(bytes.length));
        }),
        async ([s, bytes, cuts]) => {
          const result = await run(bytes, cuts, readTgiEvent);
          expect(result).toEqual({ tokens: s.tokens, finals: [s.whole] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['TGI', readTgiEvent],
    ['chat-ui', readChatUiUpdate],
  ] as const)(
    'arbitrary bytes (%s) end in completion or H2oProtocolError, never anything else',
    async (_, read) => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 400 }),
          fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 4 }),
          async (bytes, cuts) => {
            const bounded = cuts.map((c) => Math.min(c, bytes.length));
            try {
              await run(bytes, bounded, read, 128);
            } catch (err) {
              expect(err).toBeInstanceOf(H2oProtocolError);
            }
          },
        ),
        { numRuns: 500 },
      );
    },
  );

  it('arbitrary text made of stream-like lines never throws anything but H2oProtocolError', async () => {
    const line = fc.oneof(
      fc.constant(''),
      fc.constant(': c'),
      fc.string().map((s) => `data:${s}`),
      fc.string().map((s) => `data: {"token":${s}}`),
      fc.constant('data:{"token":{"text":"x","special":false},"generated_text":null}'),
      fc.constant('data:{"error":"boom","error_type":"generation"}'),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), eol, async (lines, eolChar) => {
        try {
          await run(new TextEncoder().encode(lines.join(eolChar)), [], readTgiEvent);
        } catch (err) {
          expect(err).toBeInstanceOf(H2oProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a line over the cap ends in line-too-long however it is split, holding at most the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 65, max: 5000 }),
        fc.integer({ min: 1, max: 64 }),
        async (size, chunk) => {
          const bytes = new TextEncoder().encode('data:' + 'x'.repeat(size));
          const cuts = Array.from(
            { length: Math.floor(bytes.length / chunk) },
            (_, i) => (i + 1) * chunk,
          );
          await expect(run(bytes, cuts, readTgiEvent, 64)).rejects.toMatchObject({
            reason: 'line-too-long',
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  // Mostly ASCII with some multi-byte text and stray invalid bytes, so that the decoder
  // switches between its two ways (a threshold of 1 byte lets every chunk switch).
  const mixedBytes = fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.uint8Array({ min: 0x20, max: 0x7e, maxLength: 20 }) },
        {
          weight: 2,
          arbitrary: fc
            .string({ unit: 'grapheme', maxLength: 4 })
            .map((text) => new TextEncoder().encode(text)),
        },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3 }) },
      ),
      { maxLength: 30 },
    )
    .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

  it.each([
    ['any bytes, TextDecoder only', fc.uint8Array({ maxLength: 64 }), 512],
    ['mixed text, switching every chunk', mixedBytes, 1],
  ] as const)('the UTF-8 decoder agrees with TextDecoder: %s', (_, bytesArb, threshold) => {
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (bytes, rawCuts) => {
        const decoder = createUtf8Decoder(threshold);
        const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
        let text = '';
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          text += decoder.decode(bytes.subarray(at, cut));
          at = cut;
        }
        text += decoder.end();
        expect(text).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
