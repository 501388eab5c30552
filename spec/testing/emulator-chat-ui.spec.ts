import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import {
  BOUNDARY,
  cookieOf,
  embedded,
  getConversation,
  lines,
  multipart,
  newConversation,
  postConversation,
  postStop,
  postStream,
  streamData,
  tokens,
  updates,
  withoutKeepAlives,
  type ChatUiReady,
} from './helpers/chat-ui-session';
import { until } from '../helpers';
import { failingReplies, laterReplies } from './helpers/replies';
import { firstChunk, send, type Incoming } from './helpers/http-client';

const running: Emulator[] = [];
const start = async (options: Omit<EmulatorOptions, 'dialect'> = {}) => {
  const emu = await startEmulator({ dialect: 'chat-ui', ...options });
  running.push(emu);
  return emu;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

const H2O_MODELS = [
  'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1',
  'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
  'h2oai/h2ogpt-gm-oasst1-en-2048-open-llama-13b',
];
const KEEP_ALIVE = '{"type":"status","status":"keepAlive"}';
const FINISHED = `${' '.repeat(4096)}{"type":"status","status":"finished"}`;
const reply = () => 'one two three four';

const json = (res: Incoming) => JSON.parse(res.body) as Record<string, unknown>;
const finalAnswer = (body: string) => updates(body).find((u) => u.type === 'finalAnswer');
const lastUpdate = (body: string) => withoutKeepAlives(body).at(-1);
const assistantOf = async (url: string, ready: ChatUiReady) => {
  const { json: conversation } = await getConversation(url, ready);
  const messages = conversation.messages as Record<string, unknown>[];
  return messages.filter((m) => m.from === 'assistant').at(-1)!;
};

describe('streams', () => {
  it('start, keep alive at once, title the first turn, pad tokens, and end with finalAnswer, padding and finished', async () => {
    const emu = await start({ reply: () => ['Hello', ',', ' a-token-longer-than-16', ' 😀'] });
    const ready = await newConversation(emu.url);
    const res = await postStream(
      emu.url,
      ready,
      streamData('Say hello there', ready.rootMessageId),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/jsonl');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(cookieOf(res)).toBe(ready.cookie);
    expect(lines(res.body)).toEqual([
      '{"type":"status","status":"started"}',
      KEEP_ALIVE,
      '{"type":"title","title":"Say hello there"}',
      `{"type":"stream","token":"Hello${'\\u0000'.repeat(11)}"}`,
      `{"type":"stream","token":",${'\\u0000'.repeat(15)}"}`,
      '{"type":"stream","token":" a-token-longer-than-16"}',
      // Padding counts UTF-16 units: the emoji is two.
      `{"type":"stream","token":" 😀${'\\u0000'.repeat(13)}"}`,
      '{"type":"finalAnswer","text":"Hello, a-token-longer-than-16 😀","interrupted":false}',
      FINISHED,
    ]);
    expect(res.body.endsWith(`${FINISHED}\n`)).toBe(true);
    expect(res.clean).toBe(true);
  });

  it('send the title on the first turn only; a second turn hangs under the assistant message', async () => {
    const prompts: [string, Record<string, unknown>][] = [];
    const emu = await start({
      reply: (prompt, params) => {
        prompts.push([prompt, params]);
        return `Answer ${prompts.length}`;
      },
      chatUi: { title: (inputs) => `About ${inputs}` },
    });
    const ready = await newConversation(emu.url, 'llama3');
    const first = await postStream(emu.url, ready, streamData('cats', ready.rootMessageId));
    expect(withoutKeepAlives(first.body)[1]).toEqual({ type: 'title', title: 'About cats' });
    const assistant = await assistantOf(emu.url, ready);
    const second = await postStream(emu.url, ready, streamData('more', String(assistant.id)));
    expect(withoutKeepAlives(second.body).some((u) => u.type === 'title')).toBe(false);
    expect(finalAnswer(second.body)).toEqual({
      type: 'finalAnswer',
      text: 'Answer 2',
      interrupted: false,
    });
    // `reply` sees the new message, and the request chat-ui would send its backend.
    expect(prompts[1]).toEqual([
      'more',
      {
        model: 'llama3',
        messages: [
          { role: 'user', content: 'cats' },
          { role: 'assistant', content: 'Answer 1' },
          { role: 'user', content: 'more' },
        ],
      },
    ]);
    const { json: conversation } = await getConversation(emu.url, ready);
    expect(conversation.title).toBe('About cats');
    const messages = conversation.messages as Record<string, unknown>[];
    expect(messages.map((m) => [m.from, m.content])).toEqual([
      ['system', ''],
      ['user', 'cats'],
      ['assistant', 'Answer 1'],
      ['user', 'more'],
      ['assistant', 'Answer 2'],
    ]);
    expect(messages[3].ancestors).toEqual(messages.slice(0, 3).map((m) => m.id));
  });

  it('keep alive every 100 ms from the start, between tokens too', async () => {
    const emu = await start({ tokenDelayMs: 250, reply: () => ['a', 'b', 'c'] });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready);
    const got = lines(res.body);
    expect(got[1]).toBe(KEEP_ALIVE);
    const between = got.slice(got.indexOf(got.find((l) => l.includes('"token":"a'))!));
    // 250 ms between tokens: two keep-alives each time, give or take the timer's phase.
    const tokenAt = between
      .map((line, i) => (line.includes('"type":"stream"') ? i : -1))
      .filter((i) => i >= 0);
    expect(tokenAt).toHaveLength(3);
    for (let i = 1; i < tokenAt.length; i += 1) {
      const alive = between.slice(tokenAt[i - 1] + 1, tokenAt[i]);
      expect(alive.length).toBeGreaterThanOrEqual(1);
      expect(alive.every((line) => line === KEEP_ALIVE)).toBe(true);
    }
    expect(got.at(-1)).toBe(FINISHED);
  });

  it('space tokens tokenDelayMs apart, and skip empty tokens as the backend adapter does', async () => {
    const emu = await start({ tokenDelayMs: 40, reply: () => ['a', '', 'b', 'c'] });
    const ready = await newConversation(emu.url);
    const began = Date.now();
    const res = await postStream(emu.url, ready);
    expect(Date.now() - began).toBeGreaterThanOrEqual(3 * 40 - 5);
    expect(tokens(res.body)).toEqual(['a', 'b', 'c']);
  });

  it('are never compressed, whatever the client accepts', async () => {
    const emu = await start({ reply: () => 'word '.repeat(400) });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready, undefined, undefined, {
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(finalAnswer(res.body)?.text).toBe('word '.repeat(400).trimEnd());
  });

  it('regenerate on is_retry: a new answer beside the one named; an unknown id is a 404', async () => {
    let n = 0;
    const emu = await start({ reply: () => `take ${(n += 1)}` });
    const ready = await newConversation(emu.url);
    await postStream(emu.url, ready, streamData('Hi', ready.rootMessageId));
    const first = await assistantOf(emu.url, ready);
    const retry = await postStream(
      emu.url,
      ready,
      JSON.stringify({ id: first.id, is_retry: true, is_continue: false }),
    );
    expect(finalAnswer(retry.body)?.text).toBe('take 2');
    const { json: conversation } = await getConversation(emu.url, ready);
    const messages = conversation.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.from)).toEqual(['system', 'user', 'assistant', 'assistant']);
    expect(messages[1].children).toEqual([messages[2].id, messages[3].id]);
    const unknown = await postStream(
      emu.url,
      ready,
      JSON.stringify({ id: randomUUID(), is_retry: true }),
    );
    expect([unknown.status, json(unknown)]).toEqual([404, { message: 'Message not found' }]);
    expect(cookieOf(unknown)).toBe(ready.cookie);
  });

  it('are refused with 429 past rateLimit messages a minute, per session', async () => {
    const emu = await start({ rateLimit: 1 });
    const ready = await newConversation(emu.url);
    expect((await postStream(emu.url, ready)).status).toBe(200);
    const refused = await postStream(emu.url, ready);
    expect([refused.status, json(refused)]).toEqual([
      429,
      { message: 'You are sending too many messages. Try again later.' },
    ]);
    expect((await postStream(emu.url, await newConversation(emu.url))).status).toBe(200);
  });
});

it('a client that stops reading gets at most one keep-alive queued, not one every 100 ms', async () => {
  // A 16 MB token fills the loopback buffers of a client that does not read: every write after
  // it waits. Before, each keep-alive tick queued one more (and a listener on the response).
  const emu = await start({ reply: () => ['x'.repeat(16 << 20), ' end'] });
  const ready = await newConversation(emu.url);
  const data = streamData('Hi', ready.rootMessageId, { generationId: randomUUID() });
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(new URL(`/conversation/${ready.conversationId}`, emu.url), {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        origin: emu.url,
        cookie: ready.cookie,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.pause();
      // A slow reader: ten keep-alive ticks pass before it reads again (the count below holds
      // whatever the load; on a loaded machine more ticks pass, which only makes it stricter).
      setTimeout(() => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
        res.resume();
      }, 1000);
    });
    req.end(multipart({ data }));
  });
  const all = lines(body);
  const big = all.findIndex((line) => line.startsWith('{"type":"stream","token":"xxx'));
  const end = all.findIndex((line) => line.startsWith('{"type":"stream","token":" end'));
  expect(big).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(big);
  expect(all.slice(big + 1, end).every((line) => line === KEEP_ALIVE)).toBe(true);
  expect(end - big - 1).toBeLessThanOrEqual(1);
});

describe('stop-generating', () => {
  const stopAfter = async (
    emu: Emulator,
    ready: ChatUiReady,
    tokenCount: number,
    body?: Record<string, unknown>,
  ) => {
    let stopped: Promise<Incoming> | undefined;
    const generationId = randomUUID();
    const res = await postStream(
      emu.url,
      ready,
      streamData('Count', ready.rootMessageId, { generationId }),
      (soFar) => {
        if (!stopped && tokens(soFar.slice(0, soFar.lastIndexOf('\n') + 1)).length >= tokenCount) {
          stopped = postStop(emu.url, ready, body && { generationId, ...body });
        }
      },
    );
    return { res, stop: await stopped! };
  };

  it('ends the stream with an interrupted finalAnswer cut to seenContentLength', async () => {
    const emu = await start({
      tokenDelayMs: 60,
      reply: () => ['tok0 ', 'tok1 ', 'tok2 ', 'tok3 '],
    });
    const ready = await newConversation(emu.url);
    const { res, stop } = await stopAfter(emu, ready, 2, { seenContentLength: 7 });
    expect([stop.status, stop.body, stop.headers['content-type']]).toEqual([200, '', undefined]);
    expect(cookieOf(stop)).toBe(ready.cookie);
    expect(tokens(res.body)).toEqual(['tok0 ', 'tok1 ']);
    expect(finalAnswer(res.body)).toEqual({
      type: 'finalAnswer',
      text: 'tok0 to',
      interrupted: true,
    });
    expect(lines(res.body).at(-1)).toBe(FINISHED);
    expect(res.clean).toBe(true);
    const assistant = await assistantOf(emu.url, ready);
    expect([assistant.content, assistant.interrupted]).toEqual(['tok0 to', true]);
  });

  it('without a body keeps all the answer streamed so far; the conversation goes on', async () => {
    const emu = await start({
      tokenDelayMs: 60,
      reply: () => ['tok0 ', 'tok1 ', 'tok2 ', 'tok3 '],
    });
    const ready = await newConversation(emu.url);
    const { res } = await stopAfter(emu, ready, 3);
    expect(finalAnswer(res.body)).toMatchObject({ text: 'tok0 tok1 tok2 ', interrupted: true });
    const assistant = await assistantOf(emu.url, ready);
    const next = await postStream(emu.url, ready, streamData('again', String(assistant.id)));
    expect(finalAnswer(next.body)).toMatchObject({
      text: 'tok0 tok1 tok2 tok3',
      interrupted: false,
    });
  });

  it('answers 404 for a conversation that is not the session’s', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const other = await newConversation(emu.url);
    const res = await postStop(emu.url, { ...ready, cookie: other.cookie });
    expect([res.status, json(res)]).toEqual([404, { message: 'Conversation not found' }]);
    expect(cookieOf(res)).toBe(other.cookie);
  });
});

describe('stream faults stay in-band, HTTP 200', () => {
  it('backend-drop: the server retries once, the same tokens come again, then an error and a clean end', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'backend-drop' }] });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready);
    expect(res.status).toBe(200);
    expect(tokens(res.body)).toEqual(['one', ' two', 'one', ' two']);
    expect(lastUpdate(res.body)).toEqual({
      type: 'status',
      status: 'error',
      message: 'terminated',
    });
    expect(finalAnswer(res.body)).toBeUndefined();
    expect(res.body.endsWith('"message":"terminated"}\n')).toBe(true);
    expect(res.clean).toBe(true);
    expect((await assistantOf(emu.url, ready)).content).toBe('one twoone two');
  });

  it('rerun: the tokens already streamed come again from the start; only finalAnswer is right', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'rerun', afterTokens: 3 }] });
    const res = await postStream(emu.url, await newConversation(emu.url));
    expect(tokens(res.body).join('')).toBe('one two threeone two three four');
    expect(finalAnswer(res.body)).toEqual({
      type: 'finalAnswer',
      text: 'one two three four',
      interrupted: false,
    });
    expect(lines(res.body).at(-1)).toBe(FINISHED);
  });

  it('error-event: keep-alives while the server retries its backend, then the error', async () => {
    const emu = await start({
      reply,
      chatUi: { backendRetryMs: 350 },
      faults: [
        { step: 'stream', kind: 'error-event', afterTokens: 0 },
        { step: 'stream', kind: 'error-event', afterTokens: 1, message: 'Connection error.' },
      ],
    });
    const ready = await newConversation(emu.url);
    const first = await postStream(emu.url, ready);
    expect(first.status).toBe(200);
    expect(lines(first.body).filter((l) => l === KEEP_ALIVE).length).toBeGreaterThanOrEqual(3);
    expect(withoutKeepAlives(first.body)).toEqual([
      { type: 'status', status: 'started' },
      { type: 'title', title: 'Hi' },
      { type: 'status', status: 'error', message: '500 status code (no body)', statusCode: 500 },
    ]);
    expect(first.clean).toBe(true);
    const assistant = await assistantOf(emu.url, ready);
    const second = await postStream(emu.url, ready, streamData('Hi', String(assistant.id)));
    expect(tokens(second.body)).toEqual(['one']);
    expect(lastUpdate(second.body)).toEqual({
      type: 'status',
      status: 'error',
      message: 'Connection error.',
    });
  });

  it('a reply that throws or rejects: its message as the error update, at once', async () => {
    // The backend retry delay is for a backend's failures, not for a bug in the test's reply.
    const emu = await start({
      reply: failingReplies(),
      chatUi: { backendRetryMs: 60_000 },
    });
    const ready = await newConversation(emu.url);
    const first = await postStream(emu.url, ready);
    expect([first.status, first.clean]).toEqual([200, true]);
    expect(lastUpdate(first.body)).toEqual({
      type: 'status',
      status: 'error',
      message: 'bug in my reply',
    });
    const assistant = await assistantOf(emu.url, ready);
    const second = await postStream(emu.url, ready, streamData('Hi', String(assistant.id)));
    expect(tokens(second.body)).toEqual([]);
    expect(lastUpdate(second.body)).toEqual({
      type: 'status',
      status: 'error',
      message: 'async bug',
    });
  });

  it('a reply that resolves later, or yields its tokens one by one', async () => {
    const emu = await start({ reply: laterReplies() });
    const ready = await newConversation(emu.url);
    expect(tokens((await postStream(emu.url, ready)).body)).toEqual(['Later', ',', ' then']);
    const assistant = await assistantOf(emu.url, ready);
    const second = await postStream(emu.url, ready, streamData('Hi', String(assistant.id)));
    expect(tokens(second.body)).toEqual(['one', ' two']);
  });

  it('no-final: a clean end with neither finalAnswer nor finished', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'no-final', times: 2 }] });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready);
    expect(tokens(res.body)).toEqual(['one', ' two']);
    expect(lastUpdate(res.body)).toEqual({ type: 'stream', token: ' two' });
    expect(res.clean).toBe(true);
  });

  it('malformed: a line that is not JSON, then a clean end', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'malformed' }] });
    const res = await postStream(emu.url, await newConversation(emu.url));
    const last = lines(res.body).at(-1)!;
    expect(() => JSON.parse(last)).toThrow();
    expect(res.clean).toBe(true);
  });

  it('stall: nothing more, not even keep-alives, until the client gives up', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'stall', afterTokens: 1 }] });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready, undefined, (_soFar, abort) => {
      setTimeout(abort, 350);
    });
    expect(res.aborted).toBe(true);
    expect(tokens(res.body)).toEqual(['one']);
    expect(lines(res.body).at(-1)).toContain('"token":"one');
    // A client that sends no stop-generating after its abort: settled() would wait for one.
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    expect(emu.requests.at(-1)).toMatchObject({ closedEarly: true, finished: true, status: 200 });
  });

  it('wait for a stream that really starts', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'no-final' }] });
    const ready = await newConversation(emu.url);
    const refused = await postStream(emu.url, ready, streamData('', ready.rootMessageId));
    expect(refused.status).toBe(500);
    expect(finalAnswer((await postStream(emu.url, ready)).body)).toBeUndefined();
    expect(finalAnswer((await postStream(emu.url, ready)).body)).toBeDefined();
  });
});

describe('status faults', () => {
  it('answer `times` requests in chat-ui style, then the step is normal again', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    emu.inject(
      { step: 'stream', status: 429, times: 2, headers: { 'retry-after': '2' } },
      { step: 'stream', status: 500 },
      { step: 'stream', status: 503 },
    );
    for (let i = 0; i < 2; i += 1) {
      const res = await postStream(emu.url, ready);
      expect([res.status, json(res)]).toEqual([
        429,
        { message: 'You are sending too many messages. Try again later.' },
      ]);
      expect(res.headers['retry-after']).toBe('2');
      expect(cookieOf(res)).toBe(ready.cookie);
    }
    const failed = await postStream(emu.url, ready);
    expect(failed.status).toBe(500);
    expect(json(failed)).toEqual({ message: 'An error occurred', errorId: expect.any(String) });
    const proxy = await postStream(emu.url, ready);
    expect([proxy.status, proxy.headers['content-type']]).toEqual([503, 'text/html']);
    expect(proxy.headers['set-cookie']).toBeUndefined();
    expect((await postStream(emu.url, ready)).status).toBe(200);
  });

  it('hit GET /api/v2/conversations/:id as step conversation, with no cookie', async () => {
    const emu = await start({ chatUi: { omitRootMessageId: true } });
    const created = await postConversation(emu.url, 'llama3');
    const ready = { cookie: cookieOf(created), conversationId: json(created).conversationId };
    emu.inject({ step: 'conversation', status: 404 });
    const res = await send(emu.url, {
      method: 'GET',
      path: `/api/v2/conversations/${String(ready.conversationId)}`,
      headers: { cookie: ready.cookie },
    });
    expect([res.status, json(res)]).toEqual([404, { message: 'Conversation not found' }]);
    expect(res.headers['set-cookie']).toBeUndefined();
    await emu.settled();
    expect(emu.requests.map((r) => r.step)).toEqual(['conversation', 'conversation']);
  });

  it('reset destroys the connection before any answer', async () => {
    const emu = await start({ faults: [{ step: 'models', kind: 'reset' }] });
    await expect(send(emu.url, { method: 'GET', path: '/api/models' })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await send(emu.url, { method: 'GET', path: '/api/models' })).status).toBe(200);
  });
});

describe('the chat-ui protocol around the stream', () => {
  it('sets no cookie on GET / nor /api/models, which lists the models', async () => {
    const emu = await start();
    const home = await send(emu.url, { method: 'GET', path: '/' });
    expect([home.status, home.headers['content-type']]).toEqual([200, 'text/html']);
    expect(home.headers['set-cookie']).toBeUndefined();
    const models = await send(emu.url, { method: 'GET', path: '/api/models' });
    expect(models.headers['set-cookie']).toBeUndefined();
    expect(models.headers['access-control-allow-origin']).toBe('*');
    const list = JSON.parse(models.body) as Record<string, unknown>[];
    expect(list.map((m) => m.id)).toEqual([
      ...H2O_MODELS,
      'llama3',
      'mistral',
      'reasoner',
      'tool-caller',
      'vision',
    ]);
    expect(list[3]).toMatchObject({ id: 'llama3', name: 'llama3', displayName: 'llama3' });
  });

  it('lists the models it is given, and accepts any of them with or without a slash', async () => {
    const emu = await start({ chatUi: { models: ['org/a', 'b'] } });
    const models = await send(emu.url, { method: 'GET', path: '/api/models' });
    expect((JSON.parse(models.body) as { id: string }[]).map((m) => m.id)).toEqual(['org/a', 'b']);
    expect((await postConversation(emu.url, 'org/a')).status).toBe(200);
    expect((await postConversation(emu.url, 'b')).status).toBe(200);
    expect((await postConversation(emu.url, 'llama3')).status).toBe(400);
  });

  it('creates a conversation with its superjson, minting a two-week Secure cookie', async () => {
    const emu = await start();
    const res = await postConversation(emu.url, H2O_MODELS[0]);
    expect([res.status, res.headers['content-type']]).toEqual([200, 'application/json']);
    const [pair, ...attributes] = res.headers['set-cookie']![0].split('; ');
    expect(pair).toMatch(/^hf-chat=[0-9a-f-]{36}$/);
    const expires = Date.parse(attributes[1].slice('Expires='.length));
    expect(Math.abs(expires - Date.now() - 14 * 24 * 3600 * 1000)).toBeLessThan(60_000);
    expect(attributes.filter((a) => !a.startsWith('Expires='))).toEqual([
      'Path=/',
      'HttpOnly',
      'Secure',
      'SameSite=None',
    ]);
    const { conversationId } = json(res);
    const conversation = embedded(res).json;
    const [root] = conversation.messages as Record<string, unknown>[];
    expect(conversation).toMatchObject({
      id: conversationId,
      title: 'New Chat',
      model: H2O_MODELS[0],
      rootMessageId: root.id,
    });
    expect(root).toMatchObject({ from: 'system', content: '', children: [], ancestors: [] });
    // The same cookie again: the same session, which owns both conversations.
    const again = await postConversation(emu.url, 'llama3', pair);
    expect(cookieOf(again)).toBe(pair);
  });

  it('refuses bad conversation requests as chat-ui does', async () => {
    const emu = await start();
    const unknown = await postConversation(emu.url, 'nope/unknown');
    expect([unknown.status, json(unknown)]).toEqual([400, { message: 'Invalid request' }]);
    const post = (headers: Record<string, string>, body: string) =>
      send(emu.url, { method: 'POST', path: '/conversation', headers, body });
    const badJson = await post({ accept: '*/*', 'content-type': 'application/json' }, '{oops');
    expect([badJson.status, json(badJson).message]).toEqual([500, 'An error occurred']);
    const noType = await post({ accept: '*/*' }, '{"model":"llama3"}');
    expect(noType.status).toBe(500);
    const plain = await post({ 'content-type': 'text/plain;charset=UTF-8' }, '{"model":"llama3"}');
    expect([plain.status, plain.headers['content-type'], plain.body]).toEqual([
      403,
      'text/plain',
      'Non-JSON form requests need to have an origin',
    ]);
    expect(plain.headers['set-cookie']).toBeUndefined();
  });

  it('can answer like an older server, without rootMessageId: then the GET gives the root', async () => {
    const emu = await start({ chatUi: { omitRootMessageId: true } });
    const created = await postConversation(emu.url, 'llama3');
    expect(Object.keys(json(created))).toEqual(['conversationId']);
    const ready = {
      cookie: cookieOf(created),
      conversationId: String(json(created).conversationId),
      rootMessageId: '',
    };
    const got = await send(emu.url, {
      method: 'GET',
      path: `/api/v2/conversations/${ready.conversationId}`,
      headers: { cookie: ready.cookie },
    });
    expect(got.status).toBe(200);
    const body = JSON.parse(got.body) as { json: Record<string, unknown>; meta: unknown };
    expect(body.json).not.toHaveProperty('rootMessageId');
    expect(body.json.id).toBe(ready.conversationId);
    expect(body.meta).toEqual({
      values: {
        'messages.0.createdAt': ['Date'],
        'messages.0.updatedAt': ['Date'],
        updatedAt: ['Date'],
        deployedSpaces: ['undefined'],
      },
      v: 1,
    });
    const [root] = body.json.messages as { id: string; from: string }[];
    expect(root.from).toBe('system');
    const res = await postStream(emu.url, { ...ready, rootMessageId: root.id });
    expect(finalAnswer(res.body)?.text).toBe('Hello! You said: Hi');
  });

  it('guards GET /api/v2/conversations/:id: 403 without the cookie, 400 malformed, 404 unknown', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const get = (id: string, cookie?: string) =>
      send(emu.url, {
        method: 'GET',
        path: `/api/v2/conversations/${id}`,
        headers: cookie ? { cookie } : {},
      });
    const noCookie = await get(ready.conversationId);
    expect(noCookie.status).toBe(403);
    expect(json(noCookie).message).toMatch(/^You don't have access to this conversation/);
    expect(json(await get('not-an-id', ready.cookie))).toEqual({
      message: 'Invalid conversation ID format',
    });
    const unknown = await get('0123456789abcdef01234567', ready.cookie);
    expect([unknown.status, json(unknown)]).toEqual([404, { message: 'Conversation not found.' }]);
  });

  it('refuses a form post without a same-host Origin: 403, JSON only when asked', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const noOrigin = await postStream(emu.url, ready, undefined, undefined, { origin: '' });
    expect([noOrigin.status, noOrigin.headers['content-type'], noOrigin.body]).toEqual([
      403,
      'text/plain',
      'Non-JSON form requests need to have an origin',
    ]);
    const foreign = await postStream(emu.url, ready, undefined, undefined, {
      origin: 'https://evil.example',
    });
    expect([foreign.status, foreign.body]).toEqual([403, 'Invalid referer for POST request']);
    const asJson = await postStream(emu.url, ready, undefined, undefined, {
      origin: 'https://evil.example',
      accept: 'application/json',
    });
    expect(json(asJson)).toEqual({ error: 'Invalid referer for POST request' });
    // Only the host counts: another scheme on the same host passes, another port does not.
    const port = new URL(emu.url).port;
    const https = await postStream(emu.url, ready, undefined, undefined, {
      origin: `https://127.0.0.1:${port}`,
    });
    expect(https.status).toBe(200);
    const null_ = await postStream(emu.url, ready, undefined, undefined, { origin: 'null' });
    expect([null_.status, json(null_).message]).toEqual([500, 'An error occurred']);
    expect(null_.headers['set-cookie']).toBeUndefined();
  });

  it('answers 404 to a stream without the session, minting a new cookie', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready, undefined, undefined, { cookie: '' });
    expect([res.status, json(res)]).toEqual([404, { message: 'Conversation not found' }]);
    expect(cookieOf(res)).not.toBe(ready.cookie);
    const other = await newConversation(emu.url);
    const theirs = await postStream(emu.url, { ...ready, cookie: other.cookie });
    expect(theirs.status).toBe(404);
  });

  it("negotiates Accept as today's SvelteKit does, trimming each item", async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const unknown = { ...ready, conversationId: '0123456789abcdef01234567' };
    for (const accept of [
      'text/event-stream, application/json',
      'text/event-stream,application/json',
    ]) {
      const res = await postStream(emu.url, unknown, undefined, undefined, { accept });
      expect([res.status, res.headers['content-type'], json(res)]).toEqual([
        404,
        'application/json',
        { message: 'Conversation not found' },
      ]);
    }
  });

  it('validates the stream request as chat-ui does', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const status = async (data: string | undefined, headers: Record<string, string> = {}) => {
      const res = await send(emu.url, {
        method: 'POST',
        path: `/conversation/${ready.conversationId}`,
        headers: {
          accept: '*/*',
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          origin: emu.url,
          cookie: ready.cookie,
          ...headers,
        },
        body: data === undefined ? multipart({ x: 'y' }) : multipart({ data }),
      });
      return [res.status, json(res).message];
    };
    const error = [500, 'An error occurred'];
    expect(await status(streamData('Hi', randomUUID()))).toEqual(error);
    expect(await status(JSON.stringify({ inputs: 'Hi' }))).toEqual(error);
    expect(await status(streamData('', ready.rootMessageId))).toEqual(error);
    expect(await status('{not json')).toEqual(error);
    expect(await status(undefined)).toEqual([400, 'Invalid request']);
    const jsonBody = await send(emu.url, {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      headers: { accept: '*/*', 'content-type': 'application/json', cookie: ready.cookie },
      body: streamData('Hi', ready.rootMessageId),
    });
    expect([jsonBody.status, json(jsonBody).message]).toEqual(error);
    const malformed = await postStream(emu.url, { ...ready, conversationId: 'not-an-id' });
    expect(malformed.status).toBe(500);
    expect((await postStream(emu.url, ready)).status).toBe(200);
  });

  it('deletes a conversation: 200, then 404', async () => {
    const emu = await start();
    const ready = await newConversation(emu.url);
    const remove = () =>
      send(emu.url, {
        method: 'DELETE',
        path: `/conversation/${ready.conversationId}`,
        headers: { accept: '*/*', cookie: ready.cookie },
      });
    const first = await remove();
    expect([first.status, first.body, first.headers['set-cookie']]).toEqual([200, '', undefined]);
    const again = await remove();
    expect([again.status, json(again)]).toEqual([404, { message: 'Conversation not found' }]);
    expect((await postStream(emu.url, ready)).status).toBe(404);
  });

  it('takes JSON settings (minting the session), refuses a form, and reports them', async () => {
    const emu = await start();
    const post = (headers: Record<string, string>, body: string) =>
      send(emu.url, { method: 'POST', path: '/settings', headers, body });
    const saved = await post(
      { 'content-type': 'application/json' },
      JSON.stringify({
        activeModel: 'llama3',
        shareConversationsWithModelAuthors: false,
        welcomeModalSeen: true,
      }),
    );
    expect([saved.status, saved.body, saved.headers['content-type']]).toEqual([200, '', undefined]);
    const cookie = cookieOf(saved);
    const form = await post(
      {
        accept: '*/*',
        'content-type': 'application/x-www-form-urlencoded',
        origin: emu.url,
        cookie,
      },
      'activeModel=llama3',
    );
    expect([form.status, json(form).message, cookieOf(form)]).toEqual([
      500,
      'An error occurred',
      cookie,
    ]);
    const settings = await send(emu.url, {
      method: 'GET',
      path: '/api/v2/user/settings',
      headers: { cookie },
    });
    expect((JSON.parse(settings.body) as { json: unknown }).json).toMatchObject({
      welcomeModalSeen: true,
      activeModel: 'llama3',
      shareConversationsWithModelAuthors: false,
    });
    // One session for several conversations: the cookie settings minted owns them.
    const created = await postConversation(emu.url, 'llama3', cookie);
    expect(cookieOf(created)).toBe(cookie);
  });

  it('gzips large JSON answers to a client that accepts it, and only those', async () => {
    const emu = await start({ reply: () => 'x'.repeat(2000) });
    const ready = await newConversation(emu.url);
    await postStream(emu.url, ready);
    const get = (encoding?: string) =>
      send(emu.url, {
        method: 'GET',
        path: `/api/v2/conversations/${ready.conversationId}`,
        headers: { cookie: ready.cookie, ...(encoding ? { 'accept-encoding': encoding } : {}) },
      });
    const zipped = await get('gzip, deflate');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(zipped.bytes).toString('utf8')) as { json: unknown };
    expect(body.json).toMatchObject({ id: ready.conversationId });
    expect((await get()).headers['content-encoding']).toBeUndefined();
    const models = await send(emu.url, {
      method: 'GET',
      path: '/api/models',
      headers: { 'accept-encoding': 'gzip' },
    });
    // Five models make more than 1 KiB.
    expect(models.headers['content-encoding']).toBe('gzip');
  });
});

describe('recording and lifecycle', () => {
  it('records each request with its step', async () => {
    const emu = await start({ tokenDelayMs: 1 });
    await send(emu.url, { method: 'GET', path: '/' });
    await send(emu.url, { method: 'GET', path: '/api/models' });
    const saved = await send(emu.url, {
      method: 'POST',
      path: '/settings',
      headers: { 'content-type': 'application/json' },
      body: '{"welcomeModalSeen":true}',
    });
    const cookie = cookieOf(saved);
    const created = await postConversation(emu.url, 'llama3', cookie);
    const ready = {
      cookie,
      conversationId: String(json(created).conversationId),
      rootMessageId: String(embedded(created).json.rootMessageId),
    };
    await getConversation(emu.url, ready);
    await postStream(emu.url, ready);
    await postStop(emu.url, ready, { seenContentLength: 0 });
    await send(emu.url, {
      method: 'DELETE',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie },
    });
    await send(emu.url, { method: 'GET', path: '/nowhere' });
    await emu.settled();
    expect(emu.requests.map((r) => [r.method, r.step, r.status])).toEqual([
      ['GET', 'session', 200],
      ['GET', 'models', 200],
      ['POST', 'settings', 200],
      ['POST', 'conversation', 200],
      ['GET', 'conversation', 200],
      ['POST', 'stream', 200],
      ['POST', 'stop', 200],
      ['DELETE', 'delete', 200],
      ['GET', undefined, 404],
    ]);
    expect(emu.requests.every((r) => r.finished && !r.closedEarly)).toBe(true);
    expect(emu.requests[2].body).toBe('{"welcomeModalSeen":true}');
  });

  it('marks closedEarly when the client aborts a stream mid-way', async () => {
    const emu = await start({ tokenDelayMs: 50, reply });
    const ready = await newConversation(emu.url);
    const res = await postStream(emu.url, ready, undefined, (soFar, abort) => {
      if (soFar.includes('"token"')) abort();
    });
    expect(res.aborted).toBe(true);
    // A client that sends no stop-generating after its abort: settled() would wait for one.
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    expect(emu.requests.at(-1)).toMatchObject({ step: 'stream', status: 200, closedEarly: true });
  });

  it('waits latencyMs before each answer', async () => {
    const emu = await start({ latencyMs: 150 });
    const began = Date.now();
    expect((await send(emu.url, { method: 'GET', path: '/api/models' })).status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(145);
  });

  it('close() ends a stalled stream and its keep-alive timer', async () => {
    const emu = await start({ faults: [{ step: 'stream', kind: 'stall' }] });
    const ready = await newConversation(emu.url);
    const { onChunk, begun } = firstChunk();
    const stalled = postStream(emu.url, ready, undefined, onChunk);
    await begun;
    expect(emu.openConnections()).toBe(1);
    await emu.close();
    expect(emu.openConnections()).toBe(0);
    expect((await stalled).clean).toBe(false);
  });

  it('serves a static folder, its index.html at / without a cookie', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emu-chat-ui-static-'));
    try {
      writeFileSync(path.join(dir, 'index.html'), '<html><body>mine</body></html>');
      const emu = await start({ static: dir });
      const home = await send(emu.url, { method: 'GET', path: '/' });
      expect([home.status, home.body]).toEqual([200, '<html><body>mine</body></html>']);
      expect(home.headers['set-cookie']).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad chatUi options at start', async () => {
    await expect(start({ chatUi: { models: [] } })).rejects.toThrow(/chatUi.models/);
    await expect(start({ chatUi: { backendRetryMs: -1 } })).rejects.toThrow(/backendRetryMs/);
  });
});
