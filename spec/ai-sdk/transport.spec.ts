import { firstValueFrom, lastValueFrom } from 'rxjs';
import type { UIMessage } from 'ai';
import { openConversation, openSession } from '../../lib';
import type { H2oSession } from '../../lib';
import { h2oChatTransport } from '../../lib/ai-sdk';
import type { H2oChatTransportOptions } from '../../lib/ai-sdk';
import { Emulator, startEmulator } from '../../lib/testing';
import { chatUiData, since, streams } from '../conversation/support';
import { quiet, until } from '../helpers';
import { PlainChat } from './plain-chat';

let emu: Emulator;
afterEach(() => emu.close());

const textOf = (m: UIMessage | undefined) =>
  (m?.parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
const shown = (chat: PlainChat) => chat.messages.map((m) => [m.role, textOf(m)]);
const reads = () => emu.requests.filter((r) => r.path.startsWith('/api/v2/conversations/')).length;
// The read that learns an answer's id runs beside the answer: it may reach the server after it.
const readsReach = (n: number) => until(() => reads() === n, 3000, `${n} reads`);
const stops = () => emu.requests.filter((r) => r.path.endsWith('/stop-generating'));

describe('h2oChatTransport: the AI SDK chat on a chat-ui server (emulator)', () => {
  let options: H2oChatTransportOptions;
  beforeEach(async () => {
    let n = 0;
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: (prompt) => [`answer `, `${++n} `, `to `, prompt],
    });
    options = { baseUrl: emu.url, dialect: 'chat-ui' };
  });

  it('two turns: one stream POST each with only the new text; the UI messages', async () => {
    const transport = h2oChatTransport('llama3', options);
    const chat = new PlainChat({ transport });
    await chat.sendMessage({ text: 'one' });
    await chat.sendMessage({ text: 'two' });
    expect(chat.status).toBe('ready');
    expect(chat.error).toBeUndefined();
    expect(shown(chat)).toEqual([
      ['user', 'one'],
      ['assistant', 'answer 1 to one'],
      ['user', 'two'],
      ['assistant', 'answer 2 to two'],
    ]);
    const conversationId = transport.conversationId(chat.id);
    expect(conversationId).toMatch(/^[0-9a-f]{24}$/);
    const answer = chat.messages[1];
    expect(answer.metadata).toEqual({ conversationId });
    expect(answer.parts).toEqual([
      { type: 'step-start' },
      { type: 'text', text: 'answer 1 to one', state: 'done' },
    ]);
    await readsReach(2);
    await quiet(emu);
    expect(since(emu, 0)).toEqual([
      'POST /conversation',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
    ]);
    expect(streams(emu).map((r) => r.path)).toEqual([
      `/conversation/${conversationId}`,
      `/conversation/${conversationId}`,
    ]);
    const data = streams(emu).map(chatUiData);
    expect(data.map((d) => [d.inputs, d.is_retry])).toEqual([
      ['one', false],
      ['two', false],
    ]);
  });

  it('regenerate: is_retry on the answer; the chat shows the new one', async () => {
    const transport = h2oChatTransport('llama3', options);
    const chat = new PlainChat({ transport });
    await chat.sendMessage({ text: 'one' });
    await readsReach(1);
    await chat.regenerate();
    expect(shown(chat)).toEqual([
      ['user', 'one'],
      ['assistant', 'answer 2 to one'],
    ]);
    const data = streams(emu).map(chatUiData);
    expect(data).toHaveLength(2);
    expect(data[1]).toMatchObject({ is_retry: true });
    expect(data[1].inputs).toBeUndefined();
  });

  it('a chat whose id is a server conversation attaches to it: no POST /conversation', async () => {
    const session: H2oSession = await firstValueFrom(openSession(options));
    const first = h2oChatTransport('llama3', { ...options, session });
    const chat = new PlainChat({ transport: first });
    await chat.sendMessage({ text: 'one' });
    await readsReach(1);
    const id = first.conversationId(chat.id) as string;
    const from = emu.requests.length;

    const again = new PlainChat({
      id,
      messages: chat.messages,
      transport: h2oChatTransport('llama3', { ...options, session }),
    });
    await again.sendMessage({ text: 'two' });
    await readsReach(3);
    expect(since(emu, from)).toEqual([
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
    ]);
    expect(streams(emu).at(-1)?.path).toBe(`/conversation/${id}`);
    expect(shown(again).at(-1)).toEqual(['assistant', 'answer 2 to two']);
  });

  it('an id the server does not know gets a new conversation', async () => {
    const transport = h2oChatTransport('llama3', options);
    const chat = new PlainChat({ id: '0123456789abcdef01234567', transport });
    await chat.sendMessage({ text: 'one' });
    expect(since(emu, 0).slice(0, 3)).toEqual([
      'GET /api/v2/conversations/:id',
      'POST /conversation',
      'POST /conversation/:id',
    ]);
    expect(transport.conversationId(chat.id)).not.toBe(chat.id);
    expect(shown(chat).at(-1)).toEqual(['assistant', 'answer 1 to one']);
  });

  it('a message with files sends them: the server gets each file part, base64-decoded', async () => {
    const chat = new PlainChat({ transport: h2oChatTransport('vision', options) });
    await chat.sendMessage({
      text: 'look',
      files: [
        {
          type: 'file',
          mediaType: 'image/png',
          filename: 'a.png',
          url: 'data:image/png;base64,AAEC/w==',
        },
      ],
    });
    expect(chat.status).toBe('ready');
    const [stream] = streams(emu);
    expect(stream.inputs?.files).toEqual([
      expect.objectContaining({
        name: 'a.png',
        encoding: 'base64',
        mime: 'image/png',
        data: Uint8Array.from([0, 1, 2, 255]),
      }),
    ]);
    expect(shown(chat).at(-1)).toEqual(['assistant', 'answer 1 to look']);
  });

  it('a file the model does not take is refused before its stream', async () => {
    const chat = new PlainChat({ transport: h2oChatTransport('llama3', options) });
    await chat.sendMessage({
      text: 'look',
      files: [{ type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AAEC' }],
    });
    expect(chat.status).toBe('error');
    expect(chat.error?.message).toMatch(
      /file-1 is of type image\/png, which model llama3 does not take/,
    );
    expect(streams(emu)).toEqual([]);
  });

  it('a server error is the chat error; the chat goes on after it', async () => {
    const chat = new PlainChat({ transport: h2oChatTransport('llama3', options) });
    emu.inject({ step: 'stream', status: 500 });
    await chat.sendMessage({ text: 'one' });
    expect(chat.status).toBe('error');
    expect(chat.error?.message).toMatch(/500/);
    await chat.sendMessage({ text: 'two' });
    expect(chat.status).toBe('ready');
    expect(shown(chat).at(-1)).toEqual(['assistant', 'answer 1 to two']);
  });
});

describe('h2oChatTransport: a re-run answer, and dialect h2o (emulator)', () => {
  it('chat-ui re-runs a failed backend call: the chat ends with the final text, once', async () => {
    // The tokens stream again from the start (one two one two three); the step is reset at the end.
    emu = await startEmulator({ dialect: 'chat-ui', reply: () => ['one ', 'two ', 'three'] });
    emu.inject({ step: 'stream', kind: 'rerun', afterTokens: 2 });
    const chat = new PlainChat({
      transport: h2oChatTransport('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }),
    });
    await chat.sendMessage({ text: 'count' });
    expect(shown(chat)).toEqual([
      ['user', 'count'],
      ['assistant', 'one two three'],
    ]);
    expect(chat.messages[1].parts).toEqual([
      { type: 'step-start' },
      { type: 'text', text: 'one two three', state: 'done' },
    ]);
    expect(streams(emu)).toHaveLength(1);
  });

  it('dialect h2o: two turns, one stream POST each with only the new text', async () => {
    emu = await startEmulator({
      dialect: 'h2o',
      reply: (p) => `You said ${p.split('<|prompt|>').pop()?.split('<|endoftext|>')[0]}`,
    });
    const chat = new PlainChat({
      transport: h2oChatTransport('falcon-40b', { baseUrl: emu.url, dialect: 'h2o' }),
    });
    await chat.sendMessage({ text: 'one' });
    await chat.sendMessage({ text: 'two' });
    expect(shown(chat)).toEqual([
      ['user', 'one'],
      ['assistant', 'You said one'],
      ['user', 'two'],
      ['assistant', 'You said two'],
    ]);
    const posts = emu.requests.filter((r) => r.step === 'stream');
    expect(posts.map((r) => (JSON.parse(r.body) as { inputs: string }).inputs)).toEqual([
      'one',
      'two',
    ]);
    expect(since(emu, 0).filter((r) => r === 'POST /conversation')).toHaveLength(1);
  });
});

describe('h2oChatTransport: stop and reconnect (emulator, slow tokens)', () => {
  const words = Array.from({ length: 20 }, (_, i) => `w${i} `);
  const final = words.join('').trim();
  let options: H2oChatTransportOptions;
  beforeEach(async () => {
    emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 40, reply: () => words });
    const session = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'chat-ui' }));
    options = { baseUrl: emu.url, dialect: 'chat-ui', session };
  });

  it('stop() mid-stream: the turn is cancelled and the server told to stop', async () => {
    const chat = new PlainChat({ transport: h2oChatTransport('llama3', options) });
    const sent = chat.sendMessage({ text: 'tell me' });
    await until(() => textOf(chat.messages.at(-1) as UIMessage).split(' ').length > 3);
    await chat.stop();
    await sent;
    await quiet(emu);
    expect(chat.status).toBe('ready');
    expect(stops()).toHaveLength(1);
    const shownText = textOf(chat.messages[1]);
    expect(final.startsWith(shownText.trim())).toBe(true);
    expect(shownText.length).toBeLessThan(final.length);
    expect(JSON.parse(stops()[0].body)).toMatchObject({
      generationId: chatUiData(streams(emu)[0]).generationId,
    });
  });

  it('resumeStream() after a dropped client: a new chat of the same id gets the whole answer', async () => {
    const first = h2oChatTransport('llama3', { ...options, resume: 0 });
    const chat = new PlainChat({ transport: first });
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    await chat.sendMessage({ text: 'tell me' });
    expect(chat.status).toBe('error');
    const id = first.conversationId(chat.id) as string;
    const generationId = chatUiData(streams(emu)[0]).generationId as string;
    const from = emu.requests.length;

    const again = new PlainChat({ id, transport: h2oChatTransport('llama3', options) });
    await again.resumeStream();
    expect(again.status).toBe('ready');
    // The text is what streamed (chat-ui trims only the final text).
    expect(shown(again)).toEqual([['assistant', words.join('')]]);
    expect(since(emu, from)).toEqual([
      'GET /api/v2/conversations/:id',
      'GET /api/v2/conversations/:id',
      'GET /conversation/:id/stream',
      // The resumed answer ends where the stored conversation holds it whole (issue 20).
      'GET /api/v2/conversations/:id',
    ]);
    expect(emu.requests.at(-2)?.path).toBe(
      `/conversation/${id}/stream?generationId=${generationId}&fromSeq=0`,
    );
    const history = await lastValueFrom(
      (
        await firstValueFrom(openConversation('llama3', { ...options, conversationId: id }))
      ).messages$(),
    );
    expect(history.map((m) => m.content)).toEqual(['tell me', final]);
  });

  it('stop() during a resumed stream stops the server too', async () => {
    await emu.close();
    emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 150, reply: () => words });
    const session = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'chat-ui' }));
    options = { baseUrl: emu.url, dialect: 'chat-ui', session };
    const first = h2oChatTransport('llama3', { ...options, resume: 0 });
    const chat = new PlainChat({ transport: first });
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    await chat.sendMessage({ text: 'tell me' });
    const id = first.conversationId(chat.id) as string;
    const again = new PlainChat({ id, transport: h2oChatTransport('llama3', options) });
    const resumed = again.resumeStream();
    await until(() => textOf(again.messages[0]).length > 0);
    await again.stop();
    await resumed;
    await quiet(emu);
    expect(again.status).toBe('ready');
    expect(stops().map((r) => JSON.parse(r.body) as { generationId: string })).toEqual([
      expect.objectContaining({ generationId: chatUiData(streams(emu)[0]).generationId }),
    ]);
  });

  it('resumeStream() with nothing live: null, no message; an id no server has: no request', async () => {
    const transport = h2oChatTransport('llama3', options);
    const chat = new PlainChat({ transport });
    await chat.sendMessage({ text: 'tell me' });
    await readsReach(1);
    await quiet(emu);
    const from = emu.requests.length;
    await chat.resumeStream();
    expect(chat.status).toBe('ready');
    expect(chat.messages).toHaveLength(2);
    expect(since(emu, from)).toEqual(['GET /api/v2/conversations/:id']);

    const fresh = new PlainChat({ transport });
    await fresh.resumeStream();
    expect(fresh.messages).toEqual([]);
    expect(emu.requests.length).toBe(from + 1);
  });
});
