import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import {
  getConversation,
  newConversation,
  postStop,
  postStream,
  tokens,
  updates,
  type ChatUiReady,
} from './helpers/chat-ui-session';
import { send, type OnChunk } from './helpers/http-client';

// Dialect chat-ui keeps a message tree per conversation (PROTOCOL.md §2.1), keeps generating
// when its client leaves, and serves the resume channel (§2.2).

const emus: Emulator[] = [];
const start = async (options: Omit<EmulatorOptions, 'dialect'> = {}) => {
  const emu = await startEmulator({ dialect: 'chat-ui', ...options });
  emus.push(emu);
  return emu;
};
afterEach(async () => {
  await Promise.all(emus.splice(0).map((emu) => emu.close()));
});

interface Message {
  id: string;
  from: string;
  content: string;
  children: string[];
  ancestors: string[];
  generationId?: string;
  materializedSeq?: number;
  interrupted?: boolean;
}

const messagesOf = async (url: string, ready: ChatUiReady) =>
  (await getConversation(url, ready)).json.messages as Message[];

// The branch the conversation follows: the last child at each step.
const branch = (messages: Message[]): Message[] => {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const out = [messages[0]];
  while (out.at(-1)!.children.length > 0) out.push(byId.get(out.at(-1)!.children.at(-1)!)!);
  return out;
};

const answerOf = async (url: string, ready: ChatUiReady, generationId: string) =>
  (await messagesOf(url, ready)).find((m) => m.generationId === generationId)!;

const turn = async (
  url: string,
  ready: ChatUiReady,
  inputs: string | undefined,
  parent: string,
  extra: Record<string, unknown> = {},
  onChunk?: OnChunk,
) => {
  const generationId = randomUUID();
  const data = JSON.stringify({
    ...(inputs === undefined ? {} : { inputs }),
    id: parent,
    is_retry: false,
    is_continue: false,
    generationId,
    ...extra,
  });
  const res = await postStream(url, ready, data, onChunk);
  return { res, generationId };
};

const reply = (prompt: string) => `A: ${prompt}`;

const resume = (url: string, ready: ChatUiReady, query: string, headers = {}, onChunk?: OnChunk) =>
  send(
    url,
    {
      method: 'GET',
      path: `/conversation/${ready.conversationId}/stream${query}`,
      headers: { accept: 'text/event-stream', cookie: ready.cookie, ...headers },
    },
    onChunk,
  );

interface SseEvent {
  id?: number;
  event?: string;
  data?: Record<string, unknown>;
  comment?: string;
}

const sse = (body: string): SseEvent[] =>
  body
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const event: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) event.id = Number(line.slice(4));
        else if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6)) as never;
      }
      return event;
    });

describe('dialect chat-ui conversations', () => {
  it('a follow-up names its parent; the backend gets the history along the branch', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url);
    const first = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    expect(updates(first.res.body).some((u) => u.type === 'title')).toBe(true);
    const a1 = await answerOf(emu.url, ready, first.generationId);
    const second = await turn(emu.url, ready, 'Why?', a1.id);
    expect(updates(second.res.body).some((u) => u.type === 'title')).toBe(false);
    expect(emu.prompts.map((p) => [p.prompt, p.params.messages])).toEqual([
      ['Hi', [{ role: 'user', content: 'Hi' }]],
      [
        'Why?',
        [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'A: Hi' },
          { role: 'user', content: 'Why?' },
        ],
      ],
    ]);
    const path = branch(await messagesOf(emu.url, ready)).map((m) => [m.from, m.content]);
    expect(path).toEqual([
      ['system', ''],
      ['user', 'Hi'],
      ['assistant', 'A: Hi'],
      ['user', 'Why?'],
      ['assistant', 'A: Why?'],
    ]);
  });

  it('regenerate adds a sibling answer, keeps the old one, and prompts without it', async () => {
    let n = 0;
    const emu = await start({ reply: (prompt) => `A${(n += 1)}: ${prompt}` });
    const ready = await newConversation(emu.url);
    const first = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const old = await answerOf(emu.url, ready, first.generationId);
    const again = await turn(emu.url, ready, undefined, old.id, { is_retry: true });
    expect(updates(again.res.body).at(-1)).toEqual({ type: 'status', status: 'finished' });
    expect(emu.prompts[1].params.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    const messages = await messagesOf(emu.url, ready);
    const user = messages.find((m) => m.from === 'user')!;
    const fresh = await answerOf(emu.url, ready, again.generationId);
    expect(user.children).toEqual([old.id, fresh.id]);
    expect(messages.find((m) => m.id === old.id)!.content).toBe('A1: Hi');
    expect(branch(messages).at(-1)!.content).toBe('A2: Hi');
  });

  it('is_retry on a user message with new inputs is an edit: a user sibling and its answer', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url);
    const first = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const user = (await messagesOf(emu.url, ready)).find((m) => m.from === 'user')!;
    const edit = await turn(emu.url, ready, 'Hello', user.id, { is_retry: true });
    const messages = await messagesOf(emu.url, ready);
    expect(messages[0].children).toHaveLength(2);
    expect(branch(messages).map((m) => m.content)).toEqual(['', 'Hello', 'A: Hello']);
    expect((await answerOf(emu.url, ready, edit.generationId)).content).toBe('A: Hello');
    expect((await answerOf(emu.url, ready, first.generationId)).content).toBe('A: Hi');
  });

  it('is_continue appends an empty user message and a new answer', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url);
    const first = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const a1 = await answerOf(emu.url, ready, first.generationId);
    await turn(emu.url, ready, undefined, a1.id, { is_continue: true });
    expect(branch(await messagesOf(emu.url, ready)).map((m) => [m.from, m.content])).toEqual([
      ['system', ''],
      ['user', 'Hi'],
      ['assistant', 'A: Hi'],
      ['user', ''],
      ['assistant', 'A:'],
    ]);
  });

  it('fast tokens share one sequence number: materializedSeq counts updates, not lines', async () => {
    const emu = await start({ reply: () => ['one', ' two', ' three', ' four'] });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    expect(tokens(t.res.body)).toHaveLength(4);
    // started, title, the four tokens as one, finalAnswer, finished
    expect((await answerOf(emu.url, ready, t.generationId)).materializedSeq).toBe(5);
    const replay = sse((await resume(emu.url, ready, `?generationId=${t.generationId}`)).body);
    expect(replay).toEqual([
      { id: 1, event: 'update', data: { type: 'status', status: 'started' } },
      { id: 2, event: 'update', data: { type: 'title', title: 'Hi' } },
      { id: 3, event: 'update', data: { type: 'stream', token: 'one two three four' } },
      {
        id: 4,
        event: 'update',
        data: { type: 'finalAnswer', text: 'one two three four', interrupted: false },
      },
      { id: 5, event: 'update', data: { type: 'status', status: 'finished' } },
      { event: 'end', data: { status: 'completed' } },
    ]);
  });

  it('slow tokens get one sequence number each', async () => {
    const emu = await start({ reply: () => ['a', ' b', ' c'], tokenDelayMs: 260 });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const replay = sse(
      (await resume(emu.url, ready, `?generationId=${t.generationId}&fromSeq=2`)).body,
    );
    expect(replay.map((e) => [e.id, e.data])).toEqual([
      [3, { type: 'stream', token: 'a' }],
      [4, { type: 'stream', token: ' b' }],
      [5, { type: 'stream', token: ' c' }],
      [6, { type: 'finalAnswer', text: 'a b c', interrupted: false }],
      [7, { type: 'status', status: 'finished' }],
      [undefined, { status: 'completed' }],
    ]);
  });
});

describe('dialect chat-ui: a client that drops, and the resume channel', () => {
  const slow = Array.from({ length: 12 }, (_, i) => `t${i} `);

  it('merges reasoning tokens of one flush window as it merges answer tokens, never the two together', async () => {
    const emu = await start({
      reply: () => ['one', ' two'],
      chatUi: { reasoning: { durationMs: 0, tokens: 3, wire: 'updates' } },
    });
    const ready = await newConversation(emu.url, 'reasoner');
    const t = await turn(emu.url, ready, 'Why', ready.rootMessageId);
    await emu.settled();
    const replay = sse(
      (await resume(emu.url, ready, `?generationId=${t.generationId}&fromSeq=0`)).body,
    );
    expect(replay.filter((e) => e.event === 'update').map((e) => [e.id, e.data])).toEqual([
      [1, { type: 'status', status: 'started' }],
      [2, { type: 'title', title: 'Why' }],
      [3, { type: 'reasoning', subtype: 'status', status: 'Started reasoning...' }],
      [4, { type: 'reasoning', subtype: 'stream', token: 'Let me think. Step 1. Step 2.' }],
      [5, { type: 'reasoning', subtype: 'status', status: 'Done in 0s.' }],
      [6, { type: 'stream', token: 'one two' }],
      [7, { type: 'finalAnswer', text: 'one two', interrupted: false }],
      [8, { type: 'status', status: 'finished' }],
    ]);
  });

  it('fault drop: the socket is cut, the answer goes on, is stored, and replays whole', async () => {
    const emu = await start({
      reply: () => slow,
      faults: [{ step: 'stream', kind: 'drop', afterTokens: 3 }],
    });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    expect(t.res.clean).toBe(false);
    expect(tokens(t.res.body)).toEqual(slow.slice(0, 3));
    await emu.settled();
    const stored = await answerOf(emu.url, ready, t.generationId);
    expect(stored).toMatchObject({ content: slow.join('').trimEnd(), interrupted: false });
    const replay = sse(
      (await resume(emu.url, ready, `?generationId=${t.generationId}&fromSeq=0`)).body,
    );
    const text = replay
      .filter((e) => e.data?.type === 'stream')
      .map((e) => e.data!.token)
      .join('');
    expect(text).toBe(slow.join(''));
    expect(replay.at(-1)).toEqual({ event: 'end', data: { status: 'completed' } });
  });

  it('while generating: partial content with its materializedSeq, then a live tail with heartbeats to the end', async () => {
    const emu = await start({ reply: () => slow, tokenDelayMs: 120 });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId, {}, (soFar, abort) => {
      if (tokens(soFar).length >= 2) abort();
    });
    expect(t.res.aborted).toBe(true);
    const partial = await answerOf(emu.url, ready, t.generationId);
    expect(partial.generationId).toBe(t.generationId);
    expect(slow.join('').startsWith(partial.content)).toBe(true);
    expect(partial.content.length).toBeLessThan(slow.join('').length);
    const res = await resume(
      emu.url,
      ready,
      `?generationId=${t.generationId}&fromSeq=${partial.materializedSeq}`,
    );
    const events = sse(res.body);
    expect(res.clean).toBe(true);
    const ids = events.filter((e) => e.id !== undefined).map((e) => e.id!);
    expect(ids[0]).toBe(partial.materializedSeq! + 1);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const rest = events
      .filter((e) => e.data?.type === 'stream')
      .map((e) => e.data!.token)
      .join('');
    expect(partial.content + rest).toBe(slow.join(''));
    expect(events.some((e) => e.comment === 'heartbeat')).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'end', data: { status: 'completed' } });
    expect((await answerOf(emu.url, ready, t.generationId)).content).toBe(slow.join('').trimEnd());
  });

  it('Last-Event-ID wins over fromSeq; no generationId means the newest run', async () => {
    const emu = await start({ reply: () => ['a', ' b'], tokenDelayMs: 260 });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const a1 = await answerOf(emu.url, ready, t.generationId);
    const t2 = await turn(emu.url, ready, 'More', a1.id);
    const header = sse(
      (
        await resume(emu.url, ready, `?generationId=${t.generationId}&fromSeq=0`, {
          'last-event-id': '4',
        })
      ).body,
    );
    expect(header.map((e) => e.id)).toEqual([5, 6, undefined]);
    const newest = sse((await resume(emu.url, ready, '?fromSeq=4')).body);
    // The second turn has no title: started, a, b, finalAnswer, finished.
    expect(newest.map((e) => e.data)).toEqual([
      { type: 'status', status: 'finished' },
      { status: 'completed' },
    ]);
    expect(t2.res.status).toBe(200);
  });

  it('an unknown or foreign generationId: only end "gone"; an interrupted run ends "interrupted"', async () => {
    const emu = await start({ reply: () => slow, tokenDelayMs: 30 });
    const ready = await newConversation(emu.url);
    const other = await newConversation(emu.url);
    const stop: { sent?: Promise<unknown> } = {};
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId, {}, (soFar) => {
      if (!stop.sent && tokens(soFar).length >= 2) {
        stop.sent = postStop(emu.url, ready, { generationId: 'x', seenContentLength: 3 });
      }
    });
    await stop.sent;
    for (const [r, g] of [
      [ready, randomUUID()],
      [other, t.generationId],
    ] as const) {
      const res = await resume(emu.url, r, `?generationId=${g}&fromSeq=0`);
      expect([res.status, res.headers['content-type'], sse(res.body)]).toEqual([
        200,
        'text/event-stream',
        [{ event: 'end', data: { status: 'gone' } }],
      ]);
    }
    const done = sse((await resume(emu.url, ready, `?generationId=${t.generationId}`)).body);
    expect(done.at(-1)).toEqual({ event: 'end', data: { status: 'interrupted' } });
  });

  it('no cookie: 404, an HTML page or JSON as Accept asks', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    const path = `/conversation/${ready.conversationId}/stream?generationId=${t.generationId}`;
    const html = await send(emu.url, {
      method: 'GET',
      path,
      headers: { accept: 'text/event-stream' },
    });
    expect([html.status, html.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    const json = await send(emu.url, { method: 'GET', path, headers: { accept: '*/*' } });
    expect([json.status, JSON.parse(json.body)]).toEqual([
      404,
      { message: 'Conversation not found' },
    ]);
  });

  it('backend-drop keeps its old meaning: the retry streams the tokens again, then an error', async () => {
    const emu = await start({
      reply: () => slow,
      faults: [{ step: 'stream', kind: 'backend-drop' }],
    });
    const ready = await newConversation(emu.url);
    const t = await turn(emu.url, ready, 'Hi', ready.rootMessageId);
    expect(tokens(t.res.body)).toEqual([...slow.slice(0, 2), ...slow.slice(0, 2)]);
    const done = sse((await resume(emu.url, ready, `?generationId=${t.generationId}`)).body);
    expect(done.at(-1)).toEqual({ event: 'end', data: { status: 'error' } });
  });
});

describe('dialect chat-ui bounds (maxConversations)', () => {
  it('drops the least recently used conversation, never one still generating', async () => {
    // 3 s of answer left after the drop: the two new conversations come long before it ends.
    const slow = Array.from({ length: 30 }, (_, i) => `t${i} `);
    const emu = await start({ reply: () => slow, tokenDelayMs: 100, maxConversations: 2 });
    const busy = await newConversation(emu.url);
    const t = await turn(emu.url, busy, 'Hi', busy.rootMessageId, {}, (soFar, abort) => {
      if (tokens(soFar).length >= 1) abort();
    });
    const idle = await newConversation(emu.url);
    await newConversation(emu.url);
    expect((await getConversation(emu.url, idle)).status).toBe(404);
    await emu.settled(20_000);
    expect((await answerOf(emu.url, busy, t.generationId)).content).toBe(slow.join('').trimEnd());
  });
});
