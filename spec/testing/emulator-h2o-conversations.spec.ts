import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { pageNodes } from './helpers/devalue';
import { events, send, type OnChunk } from './helpers/http-client';
import { handshake, postStop, type Ready } from './helpers/h2o-session';

// Dialect h2o keeps each conversation's history as chat-ui did in 2023 (PROTOCOL.md §1.5):
// the prompt is built from it, ids are the client's, retries cut it, and a turn is stored only
// once its answer is whole (or stopped).

const emus: Emulator[] = [];
// These specs are about what the server stores and builds, not when: saves land at once and
// stops are read at every token, unless a spec says otherwise (the last describe).
const start = async (options: EmulatorOptions = {}) => {
  const emu = await startEmulator({ saveDelayMs: 0, h2o: { stopCheckMs: 0 }, ...options });
  emus.push(emu);
  return emu;
};
afterEach(async () => {
  await Promise.all(emus.splice(0).map((emu) => emu.close()));
});

// Answers "A:" and the last user turn, one token a word.
const reply = (prompt: string) =>
  `A: ${prompt.split('<|prompt|>').at(-1)!.split('<|endoftext|>')[0]}`;

interface Turn {
  inputs: string;
  id: string;
  responseId: string;
  isRetry?: boolean;
}

const turn = (inputs: string, id: string = randomUUID()): Turn => ({
  inputs,
  id,
  responseId: randomUUID(),
});

const postTurn = (url: string, ready: Ready, t: Turn, onChunk?: OnChunk) =>
  send(
    url,
    {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie: ready.cookie, accept: '*/*', 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: t.inputs,
        parameters: { temperature: 0.4, truncate: 2048, max_new_tokens: 1024 },
        stream: true,
        options: {
          id: t.id,
          response_id: t.responseId,
          is_retry: t.isRetry ?? false,
          use_cache: false,
          web_search_id: '',
        },
      }),
    },
    onChunk,
  );

const getData = (url: string, ready: Ready, path = `/conversation/${ready.conversationId}`) =>
  send(url, { method: 'GET', path: `${path}/__data.json`, headers: { cookie: ready.cookie } });

interface Stored {
  from: string;
  content: string;
  id: string;
  createdAt?: Date;
  updatedAt: Date;
}

const storedMessages = async (url: string, ready: Ready) => {
  const res = await getData(url, ready);
  expect(res.status).toBe(200);
  const [, page] = pageNodes(res.body) as [unknown, { messages: Stored[] }];
  return page.messages;
};

const brief = (messages: Stored[]) => messages.map((m) => [m.from, m.content, m.id]);

describe('dialect h2o conversations', () => {
  it('builds each prompt from the whole history in the model turns, and stores the ids the client chose', async () => {
    const emu = await start({ reply });
    const ready = await handshake(emu.url);
    const turns = [turn('Hi'), turn('And again'), turn('Why?')];
    for (const t of turns) expect((await postTurn(emu.url, ready, t)).status).toBe(200);
    expect(emu.prompts.map((p) => p.prompt)).toEqual([
      '<|prompt|>Hi<|endoftext|><|answer|>',
      '<|prompt|>Hi<|endoftext|><|answer|>A: Hi<|endoftext|><|prompt|>And again<|endoftext|><|answer|>',
      '<|prompt|>Hi<|endoftext|><|answer|>A: Hi<|endoftext|><|prompt|>And again<|endoftext|>' +
        '<|answer|>A: And again<|endoftext|><|prompt|>Why?<|endoftext|><|answer|>',
    ]);
    expect(emu.prompts.every((p) => p.conversationId === ready.conversationId)).toBe(true);
    expect(emu.prompts[0].params).toMatchObject({ temperature: 0.4, max_new_tokens: 1024 });
    expect(brief(await storedMessages(emu.url, ready))).toEqual(
      turns.flatMap((t) => [
        ['user', t.inputs, t.id],
        ['assistant', `A: ${t.inputs}`, t.responseId],
      ]),
    );
  });

  it('cuts the prompt to its last `truncate` words (the model configuration: 2048)', async () => {
    const emu = await start({ reply: () => 'ok' });
    const ready = await handshake(emu.url);
    const long = Array.from({ length: 1500 }, (_, i) => `w${i}`).join(' ');
    await postTurn(emu.url, ready, turn(long));
    await postTurn(emu.url, ready, turn(long));
    const words = emu.prompts[1].prompt.split(' ');
    expect(words).toHaveLength(2048);
    expect(emu.prompts[1].prompt.endsWith(`w1499<|endoftext|><|answer|>`)).toBe(true);
    expect(emu.prompts[0].prompt.startsWith('<|prompt|>w0 ')).toBe(true);
  });

  it('regenerate: is_retry on the last user message replaces its answer', async () => {
    const emu = await start({ reply });
    const ready = await handshake(emu.url);
    const [first, second] = [turn('Hi'), turn('Why?')];
    await postTurn(emu.url, ready, first);
    await postTurn(emu.url, ready, second);
    const retry = { ...turn('Why?', second.id), isRetry: true };
    await postTurn(emu.url, ready, retry);
    expect(emu.prompts[2].prompt).toBe(emu.prompts[1].prompt);
    const messages = await storedMessages(emu.url, ready);
    expect(brief(messages)).toEqual([
      ['user', 'Hi', first.id],
      ['assistant', 'A: Hi', first.responseId],
      ['user', 'Why?', second.id],
      ['assistant', 'A: Why?', retry.responseId],
    ]);
    // chat-ui wrote the retried user message without createdAt.
    expect(messages[2].createdAt).toBeUndefined();
    expect(messages[0].createdAt).toBeInstanceOf(Date);
  });

  it('retrying an earlier user message drops every later turn', async () => {
    const emu = await start({ reply });
    const ready = await handshake(emu.url);
    const turns = [turn('one'), turn('two'), turn('three')];
    for (const t of turns) await postTurn(emu.url, ready, t);
    const retry = { ...turn('one again', turns[0].id), isRetry: true };
    await postTurn(emu.url, ready, retry);
    expect(emu.prompts.at(-1)!.prompt).toBe('<|prompt|>one again<|endoftext|><|answer|>');
    expect(brief(await storedMessages(emu.url, ready))).toEqual([
      ['user', 'one again', turns[0].id],
      ['assistant', 'A: one again', retry.responseId],
    ]);
  });

  it('a client that drops does not stop the answer: nothing is stored until it is whole', async () => {
    const long = Array.from({ length: 30 }, (_, i) => ` w${i}`);
    const emu = await start({ reply: () => long, tokenDelayMs: 60 });
    const ready = await handshake(emu.url);
    const t = turn('count');
    const res = await postTurn(emu.url, ready, t, (soFar, abort) => {
      if (events(soFar).length >= 2) abort();
    });
    expect(res.aborted).toBe(true);
    expect(await storedMessages(emu.url, ready)).toEqual([]);
    await emu.settled(10_000);
    expect(brief(await storedMessages(emu.url, ready))).toEqual([
      ['user', 'count', t.id],
      ['assistant', long.join(''), t.responseId],
    ]);
  });

  it('fault drop: the connection is cut, the server goes on and stores the whole answer', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'drop', afterTokens: 1 }] });
    const ready = await handshake(emu.url);
    const t = turn('Hi there');
    const res = await postTurn(emu.url, ready, t);
    expect(res.clean).toBe(false);
    expect(events(res.body)).toHaveLength(1);
    await emu.settled();
    expect(brief(await storedMessages(emu.url, ready))).toEqual([
      ['user', 'Hi there', t.id],
      ['assistant', 'A: Hi there', t.responseId],
    ]);
  });

  it.each(['backend-drop', 'error-event', 'malformed', 'no-final'] as const)(
    'fault %s: the backend failed, nothing of the turn is stored',
    async (kind) => {
      const emu = await start({ reply, faults: [{ step: 'stream', kind, afterTokens: 1 }] });
      const ready = await handshake(emu.url);
      await postTurn(emu.url, ready, turn('Hi'));
      await emu.settled();
      expect(await storedMessages(emu.url, ready)).toEqual([]);
    },
  );

  it('stop-generating stores the answer up to the next token, which the client never gets', async () => {
    const emu = await start({ reply: () => ['a', ' b', ' c', ' d', ' e', ' f'], tokenDelayMs: 30 });
    const ready = await handshake(emu.url);
    const t = turn('Hi');
    let stop: Promise<unknown> | undefined;
    const res = await postTurn(emu.url, ready, t, (soFar) => {
      if (!stop && events(soFar).length >= 2) stop = postStop(emu.url, ready);
    });
    await stop;
    expect(events(res.body)).toHaveLength(2);
    expect(res.clean).toBe(false);
    await emu.settled();
    expect(brief(await storedMessages(emu.url, ready))).toEqual([
      ['user', 'Hi', t.id],
      ['assistant', 'a b c', t.responseId],
    ]);
  });

  it('builds a turn sent before the last save landed without that answer; the last save wins', async () => {
    const emu = await start({ reply, saveDelayMs: 200 });
    const ready = await handshake(emu.url);
    const first = turn('one');
    await postTurn(emu.url, ready, first);
    // Sent the moment the first stream ended, as a client that does not wait would.
    const second = turn('two');
    await postTurn(emu.url, ready, second);
    expect(emu.prompts[1].prompt).toBe('<|prompt|>two<|endoftext|><|answer|>');
    await emu.settled();
    // The second save, made over what the second request found, wrote the first turn away.
    expect(brief(await storedMessages(emu.url, ready))).toEqual([
      ['user', 'two', second.id],
      ['assistant', 'A: two', second.responseId],
    ]);
  });

  it('applies a stop at its next read of stops, to every generation of the conversation begun before it', async () => {
    const emu = await start({
      reply: () => Array.from({ length: 40 }, (_, i) => ` t${i}`),
      tokenDelayMs: 20,
      h2o: { stopCheckMs: 300 },
    });
    const ready = await handshake(emu.url);
    const cancelled = turn('one');
    const next = turn('two');
    let stop: Promise<unknown> | undefined;
    let nextTurn: ReturnType<typeof postTurn> | undefined;
    const res = await postTurn(emu.url, ready, cancelled, (soFar) => {
      if (!nextTurn && events(soFar).length >= 2) {
        // The next turn goes before the stop, as a client that does not wait for it sends it.
        // The stop is sent once the next turn's first token came: its generation has begun
        // (two requests on two connections are not served in the order they were sent).
        nextTurn = postTurn(emu.url, ready, next, (nextSoFar) => {
          if (!stop && events(nextSoFar).length >= 1) stop = postStop(emu.url, ready);
        });
      }
    });
    const cut = await nextTurn!;
    await stop;
    // Both streams cut without a final event (how late the stop lands: the stops spec).
    for (const r of [res, cut]) {
      expect(r.clean).toBe(false);
      expect(events(r.body).every((e) => e.generated_text === null)).toBe(true);
      expect(events(r.body).length).toBeLessThan(40);
    }
    await emu.settled();
    // Whichever save landed last holds one partial turn; the other is gone.
    const stored = brief(await storedMessages(emu.url, ready));
    expect(stored).toHaveLength(2);
  });

  it('serves the layout and page nodes as x-sveltekit-invalidated asks, and page errors in-band', async () => {
    const emu = await start({ reply });
    const ready = await handshake(emu.url);
    await postTurn(emu.url, ready, turn('Hi'));
    const path = `/conversation/${ready.conversationId}/__data.json`;
    const get = (p: string) =>
      send(emu.url, { method: 'GET', path: p, headers: { cookie: ready.cookie } });
    const both = await get(path);
    expect(both.headers['cache-control']).toBe('private, no-store');
    const [layout] = pageNodes(both.body) as [{ conversations: unknown[]; models: unknown[] }];
    expect(layout.conversations).toEqual([
      { id: ready.conversationId, title: 'Untitled 1', model: expect.any(String) },
    ]);
    expect(pageNodes((await get(`${path}?x-sveltekit-invalidated=_1`)).body)[0]).toEqual({
      type: 'skip',
    });
    expect(pageNodes((await get('/__data.json?x-sveltekit-invalidated=1_')).body)[1]).toEqual({
      type: 'skip',
    });
    expect(pageNodes((await get('/__data.json')).body)[1]).toBeNull();
    const other = await handshake(emu.url);
    const foreign = await send(emu.url, { method: 'GET', path, headers: { cookie: other.cookie } });
    expect(foreign.status).toBe(200);
    expect(pageNodes(foreign.body)[1]).toEqual({
      type: 'error',
      error: { message: 'Conversation not found' },
      status: 404,
    });
  });

  it('DELETE removes the conversation and its history', async () => {
    const emu = await start({ reply });
    const ready = await handshake(emu.url);
    await postTurn(emu.url, ready, turn('Hi'));
    const deleted = await send(emu.url, {
      method: 'DELETE',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie: ready.cookie, accept: 'application/json' },
    });
    expect(deleted.status).toBe(200);
    const res = await getData(emu.url, ready);
    expect(pageNodes(res.body)[1]).toMatchObject({ type: 'error', status: 404 });
    expect((await postTurn(emu.url, ready, turn('Again'))).status).toBe(404);
  });
});

describe('dialect h2o bounds (maxConversations)', () => {
  it('drops the least recently used conversation, never one still generating', async () => {
    // 3 s of answer left after the drop: the two handshakes come long before it ends.
    const long = Array.from({ length: 30 }, (_, i) => ` w${i}`);
    const emu = await start({ reply: () => long, tokenDelayMs: 100, maxConversations: 2 });
    const busy = await handshake(emu.url);
    const t = turn('count');
    await postTurn(emu.url, busy, t, (soFar, abort) => {
      if (events(soFar).length >= 1) abort();
    });
    const idle = await handshake(emu.url);
    const newest = await handshake(emu.url);
    expect((await getData(emu.url, idle)).body).toContain('"status":404');
    await emu.settled(20_000);
    expect(brief(await storedMessages(emu.url, busy))).toEqual([
      ['user', 'count', t.id],
      ['assistant', long.join(''), t.responseId],
    ]);
    expect(await storedMessages(emu.url, newest)).toEqual([]);
  });

  it('refuses a bound that is not a positive integer', async () => {
    await expect(startEmulator({ maxConversations: 0 })).rejects.toThrow(/maxConversations/);
    await expect(startEmulator({ maxSessions: 1.5 })).rejects.toThrow(/maxSessions/);
  });
});
