import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { H2oInputError, H2oProtocolError, openConversation, openSession } from '../../lib';
import { createH2oChat } from '../../lib/chat';
import type { ChatMessage, ChatState, H2oChat } from '../../lib/chat';
import { Emulator, startEmulator } from '../../lib/testing';
import { chatUiData, since, streams } from '../conversation/support';
import { quiet, until } from '../helpers';
import { everyUpdate } from '../support/every-update';
import { startResumeServer } from '../support/resume-server';

jest.setTimeout(60_000);

let emu: Emulator;
let chat: H2oChat | undefined;
afterEach(async () => {
  chat?.dispose();
  chat = undefined;
  await emu?.close();
});

const long = Array.from({ length: 300 }, (_, i) => ` w${i}`);
const start = async (options: { tokenDelayMs?: number; dialect?: 'h2o' | 'chat-ui' } = {}) => {
  let n = 0;
  emu = await startEmulator({
    dialect: options.dialect ?? 'chat-ui',
    tokenDelayMs: options.tokenDelayMs ?? 1,
    reply: (prompt) =>
      prompt.includes('long')
        ? long
        : ['answer ', `${++n} `, 'to ', prompt.split(/\n/).pop() ?? ''],
  });
  return emu;
};

/** The first state that `check` holds for. */
const reached = (c: H2oChat, check: (s: ChatState) => boolean) =>
  firstValueFrom(c.state$.pipe(filter(check)), { defaultValue: undefined });
const ready = (c: H2oChat) => reached(c, (s) => s.status === 'ready' || s.status === 'error');
const textOf = (m: ChatMessage | undefined) =>
  (m?.parts ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
const shown = (s: ChatState) => s.messages.map((m) => [m.role, textOf(m), m.state]);
const opens = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/conversation');
const stops = () => emu.requests.filter((r) => r.path.endsWith('/stop-generating'));

describe('createH2oChat: a chat state over a server conversation (emulator, chat-ui)', () => {
  it('resume on a chat that never opened a conversation: ready, nothing sent', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    chat.resume();
    const end = await ready(chat);
    expect(end).toEqual({ messages: [], status: 'ready' });
    expect(emu.requests).toEqual([]);
    // After newChat too: the conversation it forgot is not asked.
    chat.send('one');
    await ready(chat);
    chat.newChat();
    const from = emu.requests.length;
    chat.resume();
    expect((await ready(chat))!.status).toBe('ready');
    expect(emu.requests.length).toBe(from);
  });

  it('two turns: nothing sent before the first; one conversation; statuses in order', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    const statuses: string[] = [];
    chat.state$.subscribe((s) => statuses.push(s.status));
    expect(chat.state).toEqual({ messages: [], status: 'ready' });
    expect(emu.requests).toEqual([]);

    chat.send('one');
    // At once: the question and an empty answer.
    expect(chat.state.status).toBe('submitted');
    expect(shown(chat.state)).toEqual([
      ['user', 'one', undefined],
      ['assistant', '', 'streaming'],
    ]);
    await ready(chat);
    chat.send('two');
    const end = await ready(chat);
    expect(shown(end!)).toEqual([
      ['user', 'one', undefined],
      ['assistant', 'answer 1 to one', 'done'],
      ['user', 'two', undefined],
      ['assistant', 'answer 2 to two', 'done'],
    ]);
    expect(end!.conversationId).toMatch(/^[0-9a-f]{24}$/);
    expect(end!.title).toBe('one');
    // submitted → streaming (each token one state) → ready, per turn; never back to submitted
    // mid-turn.
    const compact = statuses.filter((s, i) => s !== statuses[i - 1]);
    expect(compact).toEqual([
      'ready',
      'submitted',
      'streaming',
      'ready',
      'submitted',
      'streaming',
      'ready',
    ]);
    await quiet(emu);
    expect(since(emu, 0).filter((r) => r !== 'GET /api/v2/conversations/:id')).toEqual([
      'POST /conversation',
      'POST /conversation/:id',
      'POST /conversation/:id',
    ]);
    expect(streams(emu).map((r) => chatUiData(r).inputs)).toEqual(['one', 'two']);
  });

  it('send while a turn runs throws H2oInputError and changes nothing; empty text too', async () => {
    await start({ tokenDelayMs: 20 });
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    expect(() => chat!.send('  ')).toThrow(H2oInputError);
    expect(chat.state.messages).toEqual([]);
    chat.send('a long one');
    const before = chat.state;
    expect(() => chat!.send('another')).toThrow(/still running/);
    expect(() => chat!.regenerate()).toThrow(H2oInputError);
    expect(() => chat!.resume()).toThrow(H2oInputError);
    expect(chat.state).toBe(before);
    chat.stop();
  });

  it('stop mid-answer: ready at once, the answer stopped, stop-generating sent; a turn at once follows it', async () => {
    await start({ tokenDelayMs: 30 });
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    chat.send('tell me a long story');
    await reached(chat, (s) => textOf(s.messages[1]).split(' ').length > 4);
    chat.stop();
    expect(chat.state.status).toBe('ready');
    const partial = textOf(chat.state.messages[1]);
    expect(chat.state.messages[1]).toMatchObject({
      state: 'stopped',
      parts: [{ type: 'text', state: 'done' }],
    });
    expect(partial).toMatch(/^ w0 w1 w2/);
    // At once: no wait for the stop to be answered.
    chat.send('shorter');
    expect(chat.state.status).toBe('submitted');
    const end = await ready(chat);
    expect(end!.status).toBe('ready');
    expect(shown(end!).slice(2)).toEqual([
      ['user', 'shorter', undefined],
      ['assistant', 'answer 1 to shorter', 'done'],
    ]);
    // The stopped answer is what the server kept: nothing more reached it after the stop.
    expect(textOf(end!.messages[1])).toBe(partial);
    expect(stops()).toHaveLength(1);
    expect(streams(emu)[0].closedEarly).toBe(true);
  });

  it('regenerate: a new answer to the last question (is_retry) replaces the last answer', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    expect(() => chat!.regenerate()).toThrow(/nothing to regenerate/);
    chat.send('one');
    await ready(chat);
    const firstAnswer = chat.state.messages[1].id;
    await until(() => emu.requests.some((r) => r.path.startsWith('/api/v2/')), 5000, 'the read');
    chat.regenerate();
    expect(chat.state.messages).toHaveLength(2);
    expect(chat.state.messages[1].id).not.toBe(firstAnswer);
    const end = await ready(chat);
    expect(shown(end!)).toEqual([
      ['user', 'one', undefined],
      ['assistant', 'answer 2 to one', 'done'],
    ]);
    expect(streams(emu).map((r) => chatUiData(r).is_retry)).toEqual([false, true]);
  });

  it('a failed turn: status error with the error, the answer marked; clearError; the next send goes on', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    emu.inject({ step: 'stream', kind: 'error-event', afterTokens: 2 });
    chat.send('one');
    const failed = await ready(chat);
    expect(failed!.status).toBe('error');
    expect(failed!.error).toBeInstanceOf(H2oProtocolError);
    expect(failed!.messages[1]).toMatchObject({ state: 'error', error: failed!.error });
    chat.clearError();
    expect(chat.state).toMatchObject({ status: 'ready', error: undefined });
    chat.send('two');
    const end = await ready(chat);
    expect(end!.status).toBe('ready');
    expect(end!.messages.map((m) => m.state)).toEqual([undefined, 'error', undefined, 'done']);
    expect(textOf(end!.messages[3])).toMatch(/to two$/);
  });

  it('retry: a 503 on the open and on the stream are retried; a failed open is opened again by the next send', async () => {
    await start();
    chat = createH2oChat('llama3', {
      baseUrl: emu.url,
      dialect: 'chat-ui',
      retry: { count: 2, baseMs: 5 },
      timeout: { first: 30_000 },
    });
    emu.inject({ step: 'conversation', status: 503 });
    emu.inject({ step: 'stream', status: 503 });
    chat.send('one');
    expect((await ready(chat))!.status).toBe('ready');
    expect(opens().map((r) => r.status)).toEqual([503, 200]);
    expect(streams(emu).map((r) => r.status)).toEqual([503, 200]);
    // The question was stored once.
    expect(textOf(chat.state.messages[1])).toBe('answer 1 to one');

    // Without retry, the open's failure is the turn's; the next send opens again.
    chat.dispose();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    emu.inject({ step: 'conversation', status: 500 });
    chat.send('two');
    expect((await ready(chat))!.status).toBe('error');
    chat.send('three');
    expect((await ready(chat))!.status).toBe('ready');
    expect(chat.state.messages.map((m) => m.state)).toEqual([
      undefined,
      'error',
      undefined,
      'done',
    ]);
  });

  it('newChat forgets the conversation (stopping a running turn): the next send opens another', async () => {
    await start({ tokenDelayMs: 20 });
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    chat.send('a long first chat');
    await reached(chat, (s) => s.status === 'streaming');
    const first = chat.state.conversationId;
    chat.newChat();
    expect(chat.state).toEqual({ messages: [], status: 'ready' });
    await until(() => stops().length === 1, 10_000, 'stop-generating');
    chat.send('hello again');
    const end = await ready(chat);
    expect(shown(end!)).toEqual([
      ['user', 'hello again', undefined],
      ['assistant', 'answer 1 to hello again', 'done'],
    ]);
    expect(end!.conversationId).not.toBe(first);
    expect(opens()).toHaveLength(2);
  });

  it('conversationId: attached at once, its stored messages read; the next turn follows them', async () => {
    await start();
    const session = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'chat-ui' }));
    const options = { baseUrl: emu.url, dialect: 'chat-ui' as const, session };
    const stored = await firstValueFrom(openConversation('llama3', options));
    await lastValueFrom(stored.ask$('first'));
    const from = emu.requests.length;

    chat = createH2oChat('llama3', { ...options, conversationId: stored.id });
    const loaded = await reached(chat, (s) => s.messages.length === 2);
    expect(shown(loaded!)).toEqual([
      ['user', 'first', undefined],
      ['assistant', 'answer 1 to first', 'done'],
    ]);
    expect(loaded!.conversationId).toBe(stored.id);
    expect(loaded!.status).toBe('ready');
    chat.send('second');
    const end = await ready(chat);
    expect(textOf(end!.messages[3])).toBe('answer 2 to second');
    expect(since(emu, from).slice(0, 3)).toEqual([
      'GET /api/v2/conversations/:id',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
    ]);
    // Nothing live to resume: ready again, nothing changed.
    const before = chat.state.messages;
    await until(() => streams(emu).every((r) => r.finished), 5000, 'the stream');
    chat.resume();
    expect(chat.state.status).toBe('submitted');
    const resumed = await ready(chat);
    expect(resumed!.status).toBe('ready');
    expect(resumed!.messages).toBe(before);
  });

  it('a state$ subscriber that sends on ready: every subscriber sees the states in order', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    const c = chat;
    let asked = 0;
    c.state$.subscribe((s) => {
      if (s.status === 'ready' && s.messages.length === 2 * asked && asked < 2) {
        asked++;
        c.send(`q${asked}`);
      }
    });
    const seen: number[] = [];
    c.state$.subscribe((s) => seen.push(s.messages.length));
    await reached(c, (s) => s.status === 'ready' && s.messages.length === 4);
    // Never a state older than one seen before it.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(shown(c.state).map(([, text]) => text)).toEqual([
      'q1',
      'answer 1 to q1',
      'q2',
      'answer 2 to q2',
    ]);
  });

  it('dispose: a running turn is stopped, state$ completes, the methods throw', async () => {
    await start({ tokenDelayMs: 20 });
    const c = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    const all = lastValueFrom(c.state$.pipe(toArray()));
    c.send('a long one');
    await reached(c, (s) => s.status === 'streaming');
    c.dispose();
    const states = await all;
    expect(states.at(-1)?.status).toBe('streaming');
    expect(() => c.send('more')).toThrow(/disposed/);
    await until(() => stops().length === 1, 10_000, 'stop-generating');
  });
});

describe('createH2oChat: dialect h2o (emulator)', () => {
  it('two turns and a regenerate on one conversation', async () => {
    await start({ dialect: 'h2o' });
    chat = createH2oChat('falcon-40b', { baseUrl: emu.url });
    chat.send('one');
    await ready(chat);
    chat.send('two');
    await ready(chat);
    chat.regenerate();
    const end = await ready(chat);
    expect(end!.messages.map((m) => [m.role, m.state])).toEqual([
      ['user', undefined],
      ['assistant', 'done'],
      ['user', undefined],
      ['assistant', 'done'],
    ]);
    expect(textOf(end!.messages[3])).toMatch(/^answer 3 to /);
    expect(
      emu.requests.filter((r) => r.step === 'conversation' && r.method === 'POST'),
    ).toHaveLength(1);
  });
});

describe('createH2oChat: reasoning, tools and files (scripted chat-ui stream)', () => {
  it('become the answer parts, in order; the file URL on the server', async () => {
    const server = await startResumeServer(everyUpdate, 'end', []);
    try {
      const c = createH2oChat('llama3', { baseUrl: server.url, dialect: 'chat-ui' });
      const statuses: string[] = [];
      c.state$.subscribe((s) => statuses.push(s.status));
      c.send('find rx');
      const end = await ready(c);
      c.dispose();
      expect(end!.status).toBe('ready');
      const tool = { type: 'tool', toolName: 'search', input: { query: 'rx' } };
      expect(end!.messages[1]).toEqual({
        id: end!.messages[1].id,
        role: 'assistant',
        state: 'done',
        reasoningStatus: 'Thinking',
        parts: [
          { type: 'reasoning', text: 'Look it up.', state: 'done' },
          {
            ...tool,
            toolCallId: 'u1',
            state: 'output-available',
            output: [{ text: 'found' }],
            progress: { progress: 1, total: 2 },
          },
          { ...tool, toolCallId: 'u2', state: 'output-error', errorText: 'quota' },
          { type: 'text', text: 'Here ', state: 'done' },
          {
            type: 'file',
            filename: 'chart.png',
            mediaType: 'image/png',
            sha: 'f00d',
            url: `${server.url}/conversation/0123456789abcdef01234567/output/f00d`,
          },
          { type: 'text', text: 'it is.', state: 'done' },
        ],
      });
      // The reasoning status is no output: streaming began with the reasoning text.
      const compact = statuses.filter((s, i) => s !== statuses[i - 1]);
      expect(compact).toEqual(['ready', 'submitted', 'streaming', 'ready']);
    } finally {
      await server.close();
    }
  });
});

describe("createH2oChat: the emulator's reasoning and tool-calling models (chat-ui)", () => {
  const withModels = async (wire: 'think' | 'updates') => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: 1,
      reply: (prompt) => ['answer ', 'to ', prompt],
      chatUi: { reasoning: { durationMs: 200, tokens: 3, wire } },
    });
  };

  it.each(['think', 'updates'] as const)(
    'reasoner (wire %s): reasoning parts apart from the answer text',
    async (wire) => {
      await withModels(wire);
      chat = createH2oChat('reasoner', { baseUrl: emu.url, dialect: 'chat-ui' });
      chat.send('why');
      const end = await ready(chat);
      expect(end!.status).toBe('ready');
      const parts = end!.messages[1].parts;
      expect(parts.map((p) => p.type)).toEqual(['reasoning', 'text']);
      expect(parts[0]).toMatchObject({ type: 'reasoning', state: 'done' });
      expect((parts[0] as { text: string }).text.length).toBeGreaterThan(0);
      expect(textOf(end!.messages[1])).toBe('answer to why');
    },
  );

  it('tool-caller: the tool part with its output, then the answer', async () => {
    await withModels('updates');
    chat = createH2oChat('tool-caller', { baseUrl: emu.url, dialect: 'chat-ui' });
    chat.send('rx');
    const end = await ready(chat);
    expect(end!.status).toBe('ready');
    const [tool, ...rest] = end!.messages[1].parts;
    expect(tool).toMatchObject({
      type: 'tool',
      toolName: 'search',
      input: { query: 'rx' },
      state: 'output-available',
    });
    expect(JSON.stringify((tool as { output: unknown }).output)).toContain('Results for rx');
    expect(rest.map((p) => p.type)).toEqual(['text']);
    expect(textOf(end!.messages[1])).toBe('answer to rx');
  });
});

describe('createH2oChat: files (the vision model, chat-ui)', () => {
  it('send with files: the user message shows them, the server gets their bytes', async () => {
    await start();
    chat = createH2oChat('vision', { baseUrl: emu.url, dialect: 'chat-ui' });
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    chat.send('what is this?', { files: [{ name: 'cat.png', type: 'image/png', data }] });
    expect(chat.state.messages[0].parts).toEqual([
      { type: 'text', text: 'what is this?', state: 'done' },
      { type: 'file', filename: 'cat.png', mediaType: 'image/png', data: expect.anything() },
    ]);
    const end = await ready(chat);
    expect(end!.status).toBe('ready');
    expect(textOf(end!.messages[1])).toMatch(/to what is this\?$/);
    const [stream] = streams(emu);
    expect(stream.inputs?.files?.map((f) => [f.name, f.mime, Array.from(f.data)])).toEqual([
      ['cat.png', 'image/png', Array.from(data)],
    ]);
  });

  it('a type the model does not take: the turn fails with H2oInputError, nothing streamed', async () => {
    await start();
    chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
    chat.send('look', { files: [{ name: 'cat.png', type: 'image/png', data: new Uint8Array(3) }] });
    const end = await ready(chat);
    expect(end!.status).toBe('error');
    expect(end!.error).toBeInstanceOf(H2oInputError);
    expect(streams(emu)).toEqual([]);
  });
});

describe('createH2oChat: a reload (conversationId + resume) while the server still generates', () => {
  it('the stored partial answer is replaced by the live one, replayed from its start', async () => {
    const words = Array.from({ length: 20 }, (_, i) => `w${i} `);
    emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 40, reply: () => words });
    const session = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'chat-ui' }));
    const options = { baseUrl: emu.url, dialect: 'chat-ui' as const, session, resume: 0 };
    // The page before the reload: its connection drops after 3 tokens.
    const before = createH2oChat('llama3', options);
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    before.send('tell me');
    const dropped = await ready(before);
    expect(dropped!.status).toBe('error');
    const id = dropped!.conversationId!;
    before.dispose();

    chat = createH2oChat('llama3', { ...options, conversationId: id });
    const loaded = await reached(chat, (s) => s.messages.length === 2);
    const storedAnswer = loaded!.messages[1];
    chat.resume();
    const streaming = await reached(chat, (s) => s.status === 'streaming');
    // Replayed from the start into the answer shown, which keeps its id.
    expect(streaming!.messages).toHaveLength(2);
    expect(streaming!.messages[1].id).toBe(storedAnswer.id);
    const end = await ready(chat);
    expect(end!.status).toBe('ready');
    expect(shown(end!)).toEqual([
      ['user', 'tell me', undefined],
      // As it streamed: the server's final text differs only by the end space it trims.
      ['assistant', words.join(''), 'done'],
    ]);
    expect(emu.requests.filter((r) => /\/stream\?generationId=/.test(r.path))).toHaveLength(1);
  });
});
