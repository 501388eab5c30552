import { H2oProtocolError } from '../../lib/errors';
import { pumpStream } from '../../lib/stream/pump';
import { readChatUiUpdate } from '../../lib/stream/chat-ui';

const pad = (token: string) => token + '\u0000'.repeat(Math.max(0, 16 - token.length));
const line = (update: object) => JSON.stringify(update);

// A chat-ui stream as the transcripts show it: status, keep-alives, a title, padded tokens,
// finalAnswer, 4096 spaces with no newline, then the finished status.
const body = [
  line({ type: 'status', status: 'started' }),
  line({ type: 'status', status: 'keepAlive' }),
  line({ type: 'title', title: 'Greeting' }),
  line({ type: 'stream', token: pad('Hello') }),
  line({ type: 'reasoning', subtype: 'stream', token: 'hmm' }),
  line({ type: 'stream', token: pad(', wörld') }),
  line({ type: 'status', status: 'keepAlive' }),
  line({ type: 'stream', token: pad('') }),
  line({ type: 'stream', token: pad('!') }),
  line({ type: 'finalAnswer', text: 'Hello, wörld!', interrupted: false }),
  ' '.repeat(4096) + line({ type: 'status', status: 'finished' }),
  '',
].join('\n');

async function* chunked(bytes: Uint8Array, cut: number) {
  yield bytes.subarray(0, cut);
  yield bytes.subarray(cut);
}

const run = async (text: string, cut = 0) => {
  const tokens: string[] = [];
  const finals: string[] = [];
  const bytes = new TextEncoder().encode(text);
  await pumpStream(chunked(bytes, cut), 1 << 20, readChatUiUpdate, {
    token: (t) => tokens.push(t.text),
    final: (f) => finals.push(f),
  });
  return { tokens, finals };
};

describe('readChatUiUpdate', () => {
  it('strips the padding, skips keep-alives, titles and unknown types', async () => {
    expect(await run(body)).toEqual({
      tokens: ['Hello', ', wörld', '!'],
      finals: ['Hello, wörld!'],
    });
  });

  it('gives the same result split at every byte offset', async () => {
    const length = new TextEncoder().encode(body).length;
    for (let cut = 0; cut <= length; cut += 3) {
      expect(await run(body, cut)).toEqual({
        tokens: ['Hello', ', wörld', '!'],
        finals: ['Hello, wörld!'],
      });
    }
  });

  it('turns status error into server-error, after the tokens before it', async () => {
    const tokens: string[] = [];
    const failing =
      [
        line({ type: 'stream', token: pad('Hi') }),
        line({ type: 'status', status: 'error', message: 'terminated', statusCode: 500 }),
      ].join('\n') + '\n'; // the server ends the error line as every other (04c)
    await expect(
      pumpStream(chunked(new TextEncoder().encode(failing), 5), 1 << 20, readChatUiUpdate, {
        token: (t) => tokens.push(t.text),
        final: () => undefined,
      }),
    ).rejects.toMatchObject({ reason: 'server-error', detail: 'terminated', errorType: '500' });
    expect(tokens).toEqual(['Hi']);
  });

  it('refuses a line that is not JSON', () => {
    expect(() =>
      readChatUiUpdate('{nope', { token: () => undefined, final: () => undefined }),
    ).toThrow(H2oProtocolError);
  });
});
