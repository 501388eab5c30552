import type { TokenEvent } from '../../lib/events';
import { pumpStream } from '../../lib/stream/pump';
import { readTgiEvent } from '../../lib/stream/tgi';

const tgi = (id: number, text: string, special = false, final: string | null = null) =>
  `data:${JSON.stringify({ token: { id, text, logprob: -0.1, special }, generated_text: final, details: null })}`;

// A TGI stream with what real streams carry: a comment, `data: ` with a space, a multi-byte
// token, an empty token (a UTF-8 character split across tokens), and the final event.
const fixture = (eol: string) =>
  [
    ': keep-alive',
    '',
    tgi(1, 'Grüß'),
    '',
    `data: ${tgi(2, ' 👋').slice(5)}`,
    '',
    tgi(3, ''),
    '',
    tgi(4, ' data: not a field'),
    '',
    tgi(0, '<|endoftext|>', true, 'Grüß 👋 data: not a field'),
    '',
    '',
  ].join(eol);

async function* chunked(bytes: Uint8Array, cuts: number[]) {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

const run = async (bytes: Uint8Array, cuts: number[]) => {
  const tokens: string[] = [];
  const finals: string[] = [];
  await pumpStream(chunked(bytes, cuts), 1 << 20, readTgiEvent, {
    token: (t: TokenEvent) => tokens.push(t.text),
    final: (f) => finals.push(f),
    update: () => undefined,
  });
  return { tokens, finals };
};

describe('pumpStream over a TGI stream', () => {
  const expected = {
    tokens: ['Grüß', ' 👋', ' data: not a field'],
    finals: ['Grüß 👋 data: not a field'],
  };

  it.each([
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
    ['\\r', '\r'],
  ])('yields the same tokens split at every byte offset (%s)', async (_name, eol) => {
    const bytes = new TextEncoder().encode(fixture(eol));
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await run(bytes, [cut])).toEqual(expected);
    }
  });

  it('yields the same tokens split at every pair of offsets', async () => {
    const bytes = new TextEncoder().encode(fixture('\r\n'));
    for (let a = 0; a <= bytes.length; a += 7) {
      for (let b = a; b <= bytes.length; b += 5) {
        expect(await run(bytes, [a, b])).toEqual(expected);
      }
    }
  });
});
