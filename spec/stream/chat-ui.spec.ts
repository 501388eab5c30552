import { H2oProtocolError } from '../../lib/errors';
import type { ChatUiUpdateEvent } from '../../lib/events';
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
    update: () => undefined,
  });
  return { tokens, finals };
};

// Every event of one stream in order, tokens as `token:<text>`, the final as `final:<text>`.
const readAll = (lines: object[]) => {
  const seen: unknown[] = [];
  for (const update of lines) {
    readChatUiUpdate(JSON.stringify(update), {
      token: (t) => seen.push(`token:${t.text}`),
      final: (text, interrupted) => seen.push({ final: text, interrupted }),
      update: (e: ChatUiUpdateEvent) => seen.push(e),
    });
  }
  return seen;
};

describe('readChatUiUpdate', () => {
  it('strips the padding; the tokens and final alone, whatever else comes', async () => {
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
        update: () => undefined,
      }),
    ).rejects.toMatchObject({ reason: 'server-error', detail: 'terminated', errorType: '500' });
    expect(tokens).toEqual(['Hi']);
  });

  it('refuses a line that is not JSON', () => {
    expect(() =>
      readChatUiUpdate('{nope', {
        token: () => undefined,
        final: () => undefined,
        update: () => undefined,
      }),
    ).toThrow(H2oProtocolError);
  });

  it('reads every update type of MessageUpdate.ts into its event, in order', () => {
    const call = { name: 'search', parameters: { query: 'rx', limit: 3 } };
    expect(
      readAll([
        { type: 'status', status: 'started' },
        { type: 'status', status: 'keepAlive' },
        { type: 'reasoning', subtype: 'status', status: 'Started reasoning...' },
        { type: 'reasoning', subtype: 'stream', token: 'Let me ' },
        { type: 'reasoning', subtype: 'stream', token: '' },
        { type: 'title', title: 'Rx search' },
        { type: 'routerMetadata', route: 'code', model: 'llama3', provider: 'together' },
        { type: 'routerMetadata', route: '', model: '' },
        { type: 'tool', subtype: 'call', uuid: 'u1', call, argumentsRaw: '{}', reasoning: 'x' },
        { type: 'tool', subtype: 'eta', uuid: 'u1', eta: 10 },
        { type: 'tool', subtype: 'progress', uuid: 'u1', progress: 1, total: 2, message: 'half' },
        {
          type: 'tool',
          subtype: 'result',
          uuid: 'u1',
          result: { status: 'success', call, outputs: [{ text: 'found' }], display: true },
        },
        {
          type: 'tool',
          subtype: 'result',
          uuid: 'u2',
          result: { status: 'error', call, message: 'quota' },
        },
        { type: 'tool', subtype: 'error', uuid: 'u3', message: 'Unknown MCP function: x' },
        { type: 'file', name: 'a.png', sha: 'abc', mime: 'image/png' },
        { type: 'elicitation', subtype: 'request', request: {} },
        { type: 'futureThing', value: 1 },
        { type: 'tool', subtype: 'call', call },
        { type: 'stream', token: pad('Hi') },
        { type: 'finalAnswer', text: 'Hi', interrupted: true },
        { type: 'status', status: 'finished' },
      ]),
    ).toEqual([
      { type: 'keep-alive' },
      { type: 'reasoning-status', status: 'Started reasoning...' },
      { type: 'reasoning', text: 'Let me ' },
      { type: 'title', title: 'Rx search' },
      { type: 'router', route: 'code', model: 'llama3', provider: 'together' },
      { type: 'router', route: '', model: '' },
      { type: 'tool-call', uuid: 'u1', name: 'search', parameters: { query: 'rx', limit: 3 } },
      { type: 'tool-progress', uuid: 'u1', eta: 10 },
      { type: 'tool-progress', uuid: 'u1', progress: 1, total: 2, message: 'half' },
      {
        type: 'tool-result',
        uuid: 'u1',
        name: 'search',
        ok: true,
        outputs: [{ text: 'found' }],
        display: true,
      },
      { type: 'tool-result', uuid: 'u2', name: 'search', ok: false, outputs: [], message: 'quota' },
      { type: 'tool-error', uuid: 'u3', message: 'Unknown MCP function: x' },
      { type: 'file', name: 'a.png', sha: 'abc', mime: 'image/png' },
      'token:Hi',
      { final: 'Hi', interrupted: true },
    ]);
  });

  it('gives interrupted false when finalAnswer says so or says nothing', () => {
    expect(
      readAll([
        { type: 'finalAnswer', text: 'a', interrupted: false },
        { type: 'finalAnswer', text: 'b' },
      ]),
    ).toEqual([
      { final: 'a', interrupted: false },
      { final: 'b', interrupted: false },
    ]);
  });

  it('hands every keep-alive the same frozen event (no allocation per keep-alive)', () => {
    const [a, b] = readAll([
      { type: 'status', status: 'keepAlive' },
      { type: 'status', status: 'keepAlive' },
    ]);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("reads a keep-alive in the server's own bytes and in any other JSON spelling alike", () => {
    const events: unknown[] = [];
    const sink = {
      token: () => undefined,
      final: () => undefined,
      update: (e: unknown) => events.push(e),
    };
    readChatUiUpdate('{"type":"status","status":"keepAlive"}', sink);
    readChatUiUpdate('{ "status": "keepAlive", "type": "status" }', sink);
    expect(events).toEqual([{ type: 'keep-alive' }, { type: 'keep-alive' }]);
    expect(events[0]).toBe(events[1]);
  });
});
