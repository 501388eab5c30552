import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { until } from '../helpers';
import { failingReplies, laterReplies } from './helpers/replies';
import { dataLines, events, firstChunk, send } from './helpers/http-client';
import {
  cookieOf,
  handshake,
  MODEL,
  postStop,
  postStream,
  streamBody,
} from './helpers/h2o-session';

const running: Emulator[] = [];
const start = async (options: EmulatorOptions = {}) => {
  const emu = await startEmulator(options);
  running.push(emu);
  return emu;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

type Token = { id: number; text: string; special: boolean; logprob: number };
const tokenOf = (event: Record<string, unknown>) => event.token as Token;
const CUDA = 'Request failed during generation: Server error: CUDA out of memory';

const createConversation = (url: string, cookie: string) =>
  send(url, {
    method: 'POST',
    path: '/conversation',
    headers: { cookie, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL }),
  });

describe('status faults', () => {
  it('answer the next `times` requests of the step, then the step is normal again', async () => {
    const emu = await start();
    const { cookie } = await handshake(emu.url);
    emu.inject({ step: 'conversation', status: 503, times: 2 });
    const first = await createConversation(emu.url, cookie);
    expect(first.status).toBe(503);
    expect(first.headers['content-type']).toBe('text/html');
    expect(first.body).toContain('503 Service Unavailable');
    expect(first.headers['set-cookie']).toBeUndefined();
    expect((await createConversation(emu.url, cookie)).status).toBe(503);
    const third = await createConversation(emu.url, cookie);
    expect(third.status).toBe(200);
    expect(JSON.parse(third.body).conversationId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('use the real server body for the status, with the session cookie', async () => {
    const emu = await start();
    const ready = await handshake(emu.url);
    emu.inject(
      { step: 'stream', status: 404 },
      { step: 'stream', status: 429, headers: { 'retry-after': '2' } },
      { step: 'stream', status: 410 },
      { step: 'stream', status: 418, body: 'short and stout', contentType: 'text/plain' },
    );
    const a = await postStream(emu.url, ready);
    expect([a.status, JSON.parse(a.body)]).toEqual([404, { message: 'Conversation not found' }]);
    expect(cookieOf(a)).toBe(ready.cookie);
    const b = await postStream(emu.url, ready);
    expect([b.status, JSON.parse(b.body)]).toEqual([
      429,
      { message: 'You are sending too many messages. Try again later.' },
    ]);
    expect(b.headers['retry-after']).toBe('2');
    const c = await postStream(emu.url, ready);
    expect([c.status, JSON.parse(c.body)]).toEqual([
      410,
      { message: 'Model not available anymore' },
    ]);
    const d = await postStream(emu.url, ready);
    expect([d.status, d.headers['content-type'], d.body]).toEqual([
      418,
      'text/plain',
      'short and stout',
    ]);
    expect((await postStream(emu.url, ready)).status).toBe(200);
  });

  it('answer a settings fault as a failing form action, a 405 without a cookie', async () => {
    const emu = await start({
      faults: [
        { step: 'settings', status: 500 },
        { step: 'models', status: 405 },
      ],
    });
    const settings = await send(emu.url, {
      method: 'POST',
      path: '/settings',
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${emu.url}/` },
      body: 'ethicsModalAccepted=true',
    });
    expect(settings.status).toBe(500);
    expect(JSON.parse(settings.body)).toEqual({
      type: 'error',
      error: { message: 'Internal Error' },
    });
    const models = await send(emu.url, { method: 'GET', path: '/api/models' });
    expect(models.status).toBe(405);
    expect(JSON.parse(models.body)).toEqual({
      error: 'You need to accept the welcome modal first',
    });
    expect(models.headers['set-cookie']).toBeUndefined();
  });

  it('reset destroys the connection before any answer, once', async () => {
    const emu = await start({ faults: [{ step: 'session', kind: 'reset' }] });
    await expect(send(emu.url, { method: 'GET', path: '/' })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await send(emu.url, { method: 'GET', path: '/' })).status).toBe(200);
    await emu.settled();
    expect(emu.requests[0]).toMatchObject({ step: 'session', closedEarly: false, finished: true });
    expect(emu.requests[0].status).toBeUndefined();
  });

  it('are refused at once when malformed', async () => {
    const emu = await start();
    expect(() => emu.inject({ step: 'stream', status: 500, kind: 'drop' })).toThrow(/exactly one/);
    expect(() => emu.inject({ step: 'stream' })).toThrow(/exactly one/);
    expect(() => emu.inject({ step: 'settings', kind: 'drop' })).toThrow(/step 'stream'/);
    expect(() => emu.inject({ step: 'stream', kind: 'drop', times: 0 })).toThrow(/times/);
    await expect(
      startEmulator({ faults: [{ step: 'nope' as 'stream', status: 500 }] }),
    ).rejects.toThrow(/unknown step/);
  });
});

describe('stream faults', () => {
  const reply = () => 'one two three four';

  it('drop: the connection closes mid-body after `afterTokens` tokens', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'drop' }] });
    const res = await postStream(emu.url, await handshake(emu.url));
    expect(res.status).toBe(200);
    expect(res.clean).toBe(false);
    expect(events(res.body).map((e) => tokenOf(e).text)).toEqual(['one', ' two']);
    expect(events(res.body).every((e) => e.generated_text === null)).toBe(true);
    await emu.settled();
    expect(emu.requests.at(-1)).toMatchObject({ status: 200, closedEarly: false, finished: true });
  });

  it('stall: nothing more is sent until the client gives up', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'stall', afterTokens: 1 }] });
    const ready = await handshake(emu.url);
    let firstAt = 0;
    const res = await postStream(emu.url, ready, undefined, {}, (soFar, abort) => {
      if (firstAt === 0) {
        firstAt = Date.now();
        setTimeout(abort, 200);
      }
      void soFar;
    });
    expect(res.aborted).toBe(true);
    expect(events(res.body).map((e) => tokenOf(e).text)).toEqual(['one']);
    // A client that sends no stop-generating after its abort: settled() would wait for one.
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    expect(emu.requests.at(-1)).toMatchObject({ closedEarly: true, finished: true, status: 200 });
  });

  it('malformed: a data line that does not parse, then a clean end', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'malformed' }] });
    const res = await postStream(emu.url, await handshake(emu.url));
    const lines = dataLines(res.body);
    expect(lines).toHaveLength(3);
    expect(() => JSON.parse(lines[2])).toThrow();
    expect(res.clean).toBe(true);
  });

  it("error-event: TGI's in-band error after the tokens, then a clean end", async () => {
    const emu = await start({
      reply,
      faults: [{ step: 'stream', kind: 'error-event', afterTokens: 3 }],
    });
    const res = await postStream(emu.url, await handshake(emu.url));
    const got = events(res.body);
    expect(got.slice(0, 3).map((e) => tokenOf(e).text)).toEqual(['one', ' two', ' three']);
    expect(got[3]).toEqual({ error: CUDA, error_type: 'generation' });
    expect(res.clean).toBe(true);
  });

  it('no-final: a clean end without the final event', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'no-final', times: 2 }] });
    const ready = await handshake(emu.url);
    for (let i = 0; i < 2; i += 1) {
      const res = await postStream(emu.url, ready);
      expect(res.clean).toBe(true);
      expect(events(res.body).map((e) => e.generated_text)).toEqual([null, null]);
    }
    const normal = events((await postStream(emu.url, ready)).body);
    expect(normal.at(-1)).toMatchObject({ generated_text: 'one two three four' });
  });

  it('afterTokens 0 fails before any event, and never sends the final event', async () => {
    const emu = await start({
      reply: () => 'hi',
      faults: [
        { step: 'stream', kind: 'no-final', afterTokens: 0 },
        { step: 'stream', kind: 'no-final', afterTokens: 5 },
      ],
    });
    const ready = await handshake(emu.url);
    const none = await postStream(emu.url, ready);
    expect([none.status, none.body]).toEqual([200, '']);
    const capped = await postStream(emu.url, ready);
    expect(events(capped.body).map((e) => tokenOf(e).text)).toEqual(['hi']);
  });

  it('are kept for a stream that really starts', async () => {
    const emu = await start({ reply, faults: [{ step: 'stream', kind: 'drop' }] });
    const ready = await handshake(emu.url);
    const missing = await postStream(emu.url, { ...ready, conversationId: '0'.repeat(24) });
    expect(missing.status).toBe(404);
    expect((await postStream(emu.url, ready)).clean).toBe(false);
    expect((await postStream(emu.url, ready)).clean).toBe(true);
  });
});

describe('streams', () => {
  it('answer with TGI events, the end token carrying the whole answer', async () => {
    const emu = await start();
    const res = await postStream(
      emu.url,
      await handshake(emu.url),
      'system: Be brief.\nuser: Hi\nassistant: Hello!\nuser: Why?\nassistant:',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(
      res.body
        .split('\n\n')
        .slice(0, -1)
        .every((e) => e.startsWith('data:{')),
    ).toBe(true);
    const got = events(res.body);
    const last = got.at(-1)!;
    expect(tokenOf(last)).toEqual({ id: 11, text: '<|endoftext|>', logprob: -0.1, special: true });
    expect(last.generated_text).toBe('Hello! You said: Why?');
    expect(
      got
        .slice(0, -1)
        .map((e) => tokenOf(e).text)
        .join(''),
    ).toBe('Hello! You said: Why?');
    expect(got.slice(0, -1).map((e) => tokenOf(e).id)).toEqual(
      got.slice(0, -1).map((_, i) => 100 + i),
    );
  });

  it('take a reply that resolves later, or yields its tokens one by one', async () => {
    const emu = await start({ reply: laterReplies() });
    const ready = await handshake(emu.url);
    const texts = async () =>
      events((await postStream(emu.url, ready)).body)
        .filter((e) => !tokenOf(e).special)
        .map((e) => tokenOf(e).text);
    expect(await texts()).toEqual(['Later', ',', ' then']);
    expect(await texts()).toEqual(['one', ' two']);
  });

  it("fail in-band with TGI's error event when reply throws or rejects", async () => {
    const emu = await start({ reply: failingReplies() });
    const ready = await handshake(emu.url);
    for (const message of ['bug in my reply', 'async bug']) {
      const res = await postStream(emu.url, ready);
      expect([res.status, res.headers['content-type'], res.clean]).toEqual([
        200,
        'text/event-stream',
        true,
      ]);
      expect(events(res.body)).toEqual([{ error: message, error_type: 'generation' }]);
    }
  });

  it('split a reply string keeping whitespace with the next word, and pass arrays as they are', async () => {
    const seen: [string, Record<string, unknown>][] = [];
    const replies = ['Hello,  big world!\n', ['a', '', 'é', ' b']];
    const emu = await start({
      reply: (prompt, params) => {
        seen.push([prompt, params]);
        return replies[seen.length - 1];
      },
    });
    const ready = await handshake(emu.url);
    const text = events((await postStream(emu.url, ready, 'Hi', { top_k: 3 })).body);
    expect(text.slice(0, -1).map((e) => tokenOf(e).text)).toEqual([
      'Hello',
      ',',
      '  big',
      ' world',
      '!',
      '\n',
    ]);
    const array = events((await postStream(emu.url, ready)).body);
    expect(array.slice(0, -1).map((e) => tokenOf(e).text)).toEqual(['a', '', 'é', ' b']);
    expect(array.at(-1)!.generated_text).toBe('aé b');
    expect(seen[0][0]).toBe('<|prompt|>Hi<|endoftext|><|answer|>');
    expect(seen[0][1]).toMatchObject({ top_k: 3, max_new_tokens: 1024, temperature: 0.4 });
  });

  it('end on an ordinary token carrying generated_text when max_new_tokens runs out', async () => {
    const emu = await start({ reply: () => 'one two three four' });
    const ready = await handshake(emu.url);
    for (const max of [2, 4]) {
      const res = await postStream(emu.url, ready, 'Hi', { max_new_tokens: max });
      const got = events(res.body);
      expect(got).toHaveLength(max);
      expect(tokenOf(got.at(-1)!).special).toBe(false);
      expect(got.at(-1)!.generated_text).toBe(
        ['one', ' two', ' three', ' four'].slice(0, max).join(''),
      );
      expect(got.slice(0, -1).every((e) => e.generated_text === null)).toBe(true);
      expect(res.clean).toBe(true);
    }
    const five = events((await postStream(emu.url, ready, 'Hi', { max_new_tokens: 5 })).body);
    expect(tokenOf(five.at(-1)!).special).toBe(true);
  });

  it('end on the token that completes a stop sequence', async () => {
    const emu = await start({ reply: () => 'one two. three' });
    const got = events(
      (await postStream(emu.url, await handshake(emu.url), 'Hi', { stop: ['two.'] })).body,
    );
    expect(got.at(-1)).toMatchObject({
      token: { text: '.', special: false },
      generated_text: 'one two.',
    });
  });

  it('start generated_text with the prompt for return_full_text, as TGI does', async () => {
    const emu = await start({ reply: () => 'one two' });
    const ready = await handshake(emu.url);
    const prompt = 'user: Hi\nassistant:';
    const full = events(
      (await postStream(emu.url, ready, prompt, { return_full_text: true })).body,
    );
    // TGI's input is the prompt chat-ui built from the conversation, in the model's turns.
    const firstInput = `<|prompt|>${prompt}<|endoftext|><|answer|>`;
    expect(emu.prompts.map((p) => p.prompt)).toEqual([firstInput]);
    expect(full.at(-1)!.generated_text).toBe(`${firstInput}one two`);
    // The tokens themselves are only the new text.
    expect(full.map((e) => tokenOf(e).text).join('')).toBe('one two<|endoftext|>');
    // The server saves the turn just after its stream ended.
    await emu.settled();
    const stopped = events(
      (await postStream(emu.url, ready, prompt, { return_full_text: true, stop: [' two'] })).body,
    );
    // The second turn's input holds the first turn too.
    const secondInput = emu.prompts[1].prompt;
    expect(secondInput).toBe(`${firstInput}one two<|endoftext|>${firstInput}`);
    expect(stopped.at(-1)).toMatchObject({
      token: { text: ' two' },
      generated_text: `${secondInput}one two`,
    });
    const plain = events(
      (await postStream(emu.url, ready, prompt, { return_full_text: false })).body,
    );
    expect(plain.at(-1)!.generated_text).toBe('one two');
  });

  it('are refused by TGI with 422 for a temperature that is not positive', async () => {
    const emu = await start();
    const res = await postStream(emu.url, await handshake(emu.url), 'Hi', { temperature: 0 });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toEqual({
      error: 'Input validation error: `temperature` must be strictly positive',
      error_type: 'validation',
    });
  });

  it('space tokens tokenDelayMs apart', async () => {
    const emu = await start({ tokenDelayMs: 40, reply: () => ['a', 'b', 'c'] });
    const ready = await handshake(emu.url);
    const began = Date.now();
    const res = await postStream(emu.url, ready);
    expect(events(res.body)).toHaveLength(4);
    expect(Date.now() - began).toBeGreaterThanOrEqual(3 * 40 - 5);
  });

  it('stop-generating ends the open stream without a final event', async () => {
    // Stops read at every token: how soon a stop lands is the stops spec's.
    const emu = await start({
      tokenDelayMs: 40,
      reply: () => 'one two three four five six',
      h2o: { stopCheckMs: 0 },
    });
    const ready = await handshake(emu.url);
    let stopped: ReturnType<typeof postStop> | undefined;
    const res = await postStream(emu.url, ready, 'Hi', {}, (soFar) => {
      if (!stopped && events(soFar).length === 1) stopped = postStop(emu.url, ready);
    });
    const stop = await stopped!;
    expect([stop.status, stop.body, stop.headers['content-type']]).toEqual([200, '', undefined]);
    expect(cookieOf(stop)).toBe(ready.cookie);
    const got = events(res.body);
    expect(got.length).toBeLessThan(3);
    expect(got.every((e) => e.generated_text === null)).toBe(true);
    expect(res.clean).toBe(false);
    await emu.settled();
    const stream = emu.requests.find((r) => r.step === 'stream')!;
    expect(stream).toMatchObject({ status: 200, closedEarly: false, finished: true });
    // The conversation goes on.
    expect(events((await postStream(emu.url, ready)).body).at(-1)!.generated_text).toBe(
      'one two three four five six',
    );
  });

  it('are refused with 429 past rateLimit messages a minute, per session', async () => {
    const emu = await start({ rateLimit: 2 });
    const ready = await handshake(emu.url);
    expect((await postStream(emu.url, ready)).status).toBe(200);
    expect((await postStream(emu.url, ready)).status).toBe(200);
    const refused = await postStream(emu.url, ready);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({
      message: 'You are sending too many messages. Try again later.',
    });
    expect((await postStream(emu.url, await handshake(emu.url))).status).toBe(200);
  });
});

describe('the h2o protocol around the stream', () => {
  it('refuses non-GET requests before settings with 405, JSON only when asked, no cookie', async () => {
    const emu = await start();
    const { conversationId } = await handshake(emu.url);
    const fresh = cookieOf(await send(emu.url, { method: 'GET', path: '/' }));
    const json = await createConversation(emu.url, fresh);
    expect([json.status, json.headers['content-type'], JSON.parse(json.body)]).toEqual([
      405,
      'application/json',
      { error: 'You need to accept the welcome modal first' },
    ]);
    const text = await send(emu.url, {
      method: 'POST',
      path: `/conversation/${conversationId}/stop-generating`,
      headers: { cookie: fresh },
    });
    expect([text.status, text.headers['content-type'], text.body]).toEqual([
      405,
      'text/plain',
      'You need to accept the welcome modal first',
    ]);
    expect(text.headers['set-cookie']).toBeUndefined();
    expect(
      (await send(emu.url, { method: 'DELETE', path: `/conversation/${conversationId}` })).status,
    ).toBe(405);
  });

  it('refuses a form post without a same-origin Referer with 403', async () => {
    const emu = await start();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = 'ethicsModalAccepted=true';
    const json = await send(emu.url, {
      method: 'POST',
      path: '/settings',
      headers: { ...form, accept: 'application/json' },
      body,
    });
    expect([json.status, json.headers['content-type'], JSON.parse(json.body)]).toEqual([
      403,
      'application/json',
      { error: 'Non-JSON form requests need to have a referer' },
    ]);
    const foreign = await send(emu.url, {
      method: 'POST',
      path: '/settings',
      headers: { ...form, referer: 'https://example.com/' },
      body,
    });
    expect([foreign.status, foreign.headers['content-type'], foreign.body]).toEqual([
      403,
      'text/plain',
      'Invalid referer for POST request',
    ]);
    const html = await send(emu.url, {
      method: 'POST',
      path: '/settings',
      headers: { ...form, referer: `${emu.url}/x`, accept: 'text/html' },
      body,
    });
    expect([html.status, html.headers.location]).toEqual([303, `${emu.url}/x`]);
  });

  it('refuses unknown models with 500 and deletes conversations', async () => {
    const emu = await start();
    const ready = await handshake(emu.url);
    const unknown = await send(emu.url, {
      method: 'POST',
      path: '/conversation',
      headers: {
        cookie: ready.cookie,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'nope/unknown' }),
    });
    expect([unknown.status, JSON.parse(unknown.body)]).toEqual([
      500,
      { message: 'Internal Error' },
    ]);
    const other = await handshake(emu.url);
    expect(
      (await postStream(emu.url, { ...other, conversationId: ready.conversationId })).status,
    ).toBe(404);
    const deleted = await send(emu.url, {
      method: 'DELETE',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie: ready.cookie },
    });
    expect([deleted.status, deleted.body]).toEqual([200, '']);
    const after = await postStream(emu.url, ready);
    expect([after.status, JSON.parse(after.body)]).toEqual([
      404,
      { message: 'Conversation not found' },
    ]);
  });

  it('answers endpoint errors with an HTML page to a client that sends no Accept', async () => {
    const emu = await start();
    const { cookie } = await handshake(emu.url);
    const res = await send(emu.url, {
      method: 'POST',
      path: '/conversation',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"model":"nope"}',
    });
    expect([res.status, res.headers['content-type']]).toEqual([500, 'text/html; charset=utf-8']);
    expect(res.body).toContain('Internal Error');
  });

  it('negotiates Accept as SvelteKit 1.15 does: no trimming after the comma', async () => {
    const emu = await start();
    const ready = await handshake(emu.url);
    const streamError = (accept: string) =>
      send(emu.url, {
        method: 'POST',
        path: '/conversation/0123456789abcdef01234567',
        headers: { cookie: ready.cookie, accept, 'content-type': 'application/json' },
        body: streamBody('user: Hi\nassistant:'),
      });
    // " application/json" matches no type: the error comes back as a page.
    const spaced = await streamError('text/event-stream, application/json');
    expect([spaced.status, spaced.headers['content-type']]).toEqual([
      404,
      'text/html; charset=utf-8',
    ]);
    expect(spaced.body).toContain('Conversation not found');
    const unspaced = await streamError('text/event-stream,application/json');
    expect([unspaced.status, unspaced.headers['content-type']]).toEqual([404, 'application/json']);
    expect(JSON.parse(unspaced.body)).toEqual({ message: 'Conversation not found' });
  });

  it('keeps at most maxConversations conversations, the least recently used dropped first', async () => {
    const emu = await start({ maxConversations: 2, reply: () => 'ok' });
    const first = await handshake(emu.url);
    const idOf = async () =>
      JSON.parse((await createConversation(emu.url, first.cookie)).body).conversationId as string;
    const second = { ...first, conversationId: await idOf() };
    expect((await postStream(emu.url, first)).status).toBe(200);
    const third = { ...first, conversationId: await idOf() };
    // The second was used least recently: it went when the third came.
    expect((await postStream(emu.url, second)).status).toBe(404);
    expect((await postStream(emu.url, first)).status).toBe(200);
    expect((await postStream(emu.url, third)).status).toBe(200);
  });

  it('keeps at most maxSessions sessions, the least recently used forgotten first', async () => {
    const emu = await start({ maxSessions: 2 });
    const a = await handshake(emu.url);
    const b = await handshake(emu.url);
    expect((await createConversation(emu.url, a.cookie)).status).toBe(200);
    await handshake(emu.url);
    // b's session is gone, as if its cookie expired: the welcome modal again.
    const forgotten = await createConversation(emu.url, b.cookie);
    expect([forgotten.status, JSON.parse(forgotten.body)]).toEqual([
      405,
      { error: 'You need to accept the welcome modal first' },
    ]);
    expect((await createConversation(emu.url, a.cookie)).status).toBe(200);
    await expect(startEmulator({ maxSessions: 0 })).rejects.toThrow(
      'startEmulator: maxSessions must be an integer >= 1, got 0',
    );
  });

  it('answers `stream: false` with the whole text, as TGI does', async () => {
    const emu = await start({ reply: () => 'one two' });
    const ready = await handshake(emu.url);
    const body = JSON.parse(streamBody('Hi')) as Record<string, unknown>;
    const res = await send(emu.url, {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie: ready.cookie, accept: '*/*', 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: false }),
    });
    expect([res.status, JSON.parse(res.body)]).toEqual([200, [{ generated_text: 'one two' }]]);
    const full = await send(emu.url, {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      headers: { cookie: ready.cookie, accept: '*/*', 'content-type': 'application/json' },
      body: JSON.stringify({
        ...body,
        parameters: { ...(body.parameters as object), return_full_text: true },
        stream: false,
      }),
    });
    // TGI's input: both turns, the first one stored by the first call.
    expect(JSON.parse(full.body)).toEqual([
      {
        generated_text:
          '<|prompt|>Hi<|endoftext|><|answer|>one two<|endoftext|>' +
          '<|prompt|>Hi<|endoftext|><|answer|>one two',
      },
    ]);
  });

  it('lists the three models at /api/models', async () => {
    const emu = await start();
    const res = await send(emu.url, {
      method: 'GET',
      path: '/api/models',
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual([
      {
        id: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1',
        name: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1',
      },
      {
        id: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
        name: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
      },
      {
        id: 'h2oai/h2ogpt-gm-oasst1-en-2048-open-llama-13b',
        name: 'h2oai/h2ogpt-gm-oasst1-en-2048-open-llama-13b',
      },
    ]);
  });

  it("refuses what only dialect 'chat-ui' can do", async () => {
    await expect(startEmulator({ chatUi: { omitRootMessageId: true } })).rejects.toThrow(
      /chatUi options need dialect 'chat-ui'/,
    );
    await expect(startEmulator({ dialect: 'nope' as 'h2o' })).rejects.toThrow(/unknown dialect/);
    const emu = await start();
    expect(() => emu.inject({ step: 'stream', kind: 'rerun' })).toThrow(/needs dialect 'chat-ui'/);
  });

  it('sends the message an error-event fault names', async () => {
    const emu = await start({
      reply: () => 'one two',
      faults: [{ step: 'stream', kind: 'error-event', afterTokens: 1, message: 'boom' }],
    });
    const got = events((await postStream(emu.url, await handshake(emu.url))).body);
    expect(got.at(-1)).toEqual({ error: 'boom', error_type: 'generation' });
    expect(() => emu.inject({ step: 'stream', kind: 'drop', message: 'x' })).toThrow(
      /message needs kind 'error-event'/,
    );
  });
});

describe('recording and lifecycle', () => {
  it('records every request with its step, headers, body and status', async () => {
    const emu = await start();
    await send(emu.url, { method: 'GET', path: '/?x=1', headers: { 'X-Trace': 'abc' } });
    await send(emu.url, {
      method: 'POST',
      path: '/nowhere',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    await emu.settled();
    expect(emu.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/?x=1',
        step: 'session',
        status: 200,
        body: '',
        closedEarly: false,
        finished: true,
      }),
      expect.objectContaining({
        method: 'POST',
        path: '/nowhere',
        step: undefined,
        status: 405,
        body: '{"a":1}',
        closedEarly: false,
        finished: true,
      }),
    ]);
    expect(emu.requests[0].headers['x-trace']).toBe('abc');
  });

  it('marks closedEarly when the client aborts a stream mid-way', async () => {
    const emu = await start({ tokenDelayMs: 50, reply: () => 'one two three four' });
    const ready = await handshake(emu.url);
    const res = await postStream(emu.url, ready, 'Hi', {}, (_soFar, abort) => abort());
    expect(res.aborted).toBe(true);
    // A client that sends no stop-generating after its abort: settled() would wait for one.
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    expect(emu.requests.at(-1)).toMatchObject({
      step: 'stream',
      status: 200,
      closedEarly: true,
      finished: true,
    });
    expect(emu.requests.slice(0, -1).every((r) => !r.closedEarly)).toBe(true);
  });

  it('settled waits for the streams in flight, or for its timeout', async () => {
    const emu = await start({ faults: [{ step: 'stream', kind: 'stall' }] });
    const ready = await handshake(emu.url);
    const { onChunk, begun } = firstChunk();
    const stalled = postStream(emu.url, ready, undefined, {}, onChunk);
    const abort = await begun;
    const began = Date.now();
    await emu.settled(150);
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    expect(emu.requests.at(-1)!.finished).toBe(false);
    abort();
    // As the client does: the stop-generating after the abort, which settled() waits for.
    const stop = postStop(emu.url, ready);
    await emu.settled();
    expect(emu.requests.at(-2)).toMatchObject({ step: 'stream', finished: true });
    expect(emu.requests.at(-1)).toMatchObject({ step: 'stop', finished: true });
    expect((await stop).status).toBe(200);
    expect((await stalled).aborted).toBe(true);
  });

  it('settled waits for the stop-generating that follows a stream the client closed early', async () => {
    const emu = await start({ tokenDelayMs: 50, reply: () => 'one two three four' });
    const ready = await handshake(emu.url);
    const res = await postStream(emu.url, ready, 'Hi', {}, (_soFar, abort) => abort());
    expect(res.aborted).toBe(true);
    // As the client does after its abort, only later: plainly still on its way at settled().
    const stop = new Promise((r) => setTimeout(r, 300)).then(() => postStop(emu.url, ready));
    await emu.settled();
    expect(emu.requests.map((r) => [r.step, r.finished])).toEqual([
      ['session', true],
      ['settings', true],
      ['conversation', true],
      ['stream', true],
      ['stop', true],
    ]);
    expect((await stop).status).toBe(200);
  });

  it('settled stops waiting for a stop-generating that never comes 2.5 s after the close', async () => {
    const emu = await start({ tokenDelayMs: 50, reply: () => 'one two three four' });
    const ready = await handshake(emu.url);
    await postStream(emu.url, ready, 'Hi', {}, (_soFar, abort) => abort());
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    const began = Date.now();
    await emu.settled(10_000);
    expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('reset() keeps a request in flight out of the new log and out of its faults', async () => {
    const emu = await start({ latencyMs: 300 });
    const before = send(emu.url, { method: 'GET', path: '/' });
    await until(() => emu.requests.length === 1, 3000, 'GET / arrived');
    emu.reset();
    emu.inject({ step: 'session', status: 500 });
    expect((await before).status).toBe(200);
    expect((await send(emu.url, { method: 'GET', path: '/' })).status).toBe(500);
    await emu.settled();
    expect(emu.requests.map((r) => r.status)).toEqual([500]);
  });

  it('reset() keeps the stop-generating that follows a stream of before out of the new log', async () => {
    const emu = await start({ tokenDelayMs: 50, reply: () => 'one two three four' });
    const ready = await handshake(emu.url);
    await postStream(emu.url, ready, 'Hi', {}, (_soFar, abort) => abort());
    await until(() => emu.requests.at(-1)!.finished, 3000, 'the stream closed');
    emu.reset();
    emu.inject({ step: 'stop', status: 500 });
    // The client's stop of the aborted stream arrives after the reset.
    expect((await postStop(emu.url, ready)).status).toBe(200);
    expect(emu.requests).toEqual([]);
    // This test's own stop is listed, and meets its fault.
    expect((await postStop(emu.url, ready)).status).toBe(500);
    expect(emu.requests.map((r) => [r.step, r.status])).toEqual([['stop', 500]]);
  });

  it('counts open connections, and close() destroys them, stalled streams included', async () => {
    const emu = await start({ faults: [{ step: 'stream', kind: 'stall' }] });
    const ready = await handshake(emu.url);
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve) => {
      const req = request(`${emu.url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    const { onChunk, begun } = firstChunk();
    const stalled = postStream(emu.url, ready, undefined, {}, onChunk);
    await begun;
    expect(emu.openConnections()).toBe(2);
    await emu.close();
    expect(emu.openConnections()).toBe(0);
    expect((await stalled).clean).toBe(false);
    agent.destroy();
  });

  it('reset() forgets the requests and the pending faults', async () => {
    const emu = await start({ faults: [{ step: 'session', status: 500 }] });
    const requests = emu.requests;
    await send(emu.url, { method: 'GET', path: '/api/models' });
    emu.reset();
    expect(requests).toHaveLength(0);
    expect(emu.requests).toBe(requests);
    expect((await send(emu.url, { method: 'GET', path: '/' })).status).toBe(200);
  });

  it('waits latencyMs before each answer', async () => {
    const emu = await start({ latencyMs: 150 });
    const began = Date.now();
    expect((await send(emu.url, { method: 'GET', path: '/api/models' })).status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(145);
  });

  it('refuses a static folder that does not exist, at start', async () => {
    const missing = path.join(tmpdir(), `h2o-rx-missing-${process.pid}-${Date.now()}`);
    await expect(startEmulator({ static: missing })).rejects.toThrow(
      `startEmulator: static folder ${missing} does not exist or is not a folder`,
    );
  });

  it('serves a static folder beside the API', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emu-static-'));
    try {
      writeFileSync(path.join(dir, 'index.html'), '<html><body>mine</body></html>');
      writeFileSync(path.join(dir, 'app.js'), 'console.log(1);');
      writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), 'secret');
      const emu = await start({ static: dir });
      const home = await send(emu.url, { method: 'GET', path: '/' });
      expect([home.status, home.body, home.headers['content-type']]).toEqual([
        200,
        '<html><body>mine</body></html>',
        'text/html; charset=utf-8',
      ]);
      expect(cookieOf(home)).toMatch(/^hf-chat=/);
      const js = await send(emu.url, { method: 'GET', path: '/app.js' });
      expect([js.status, js.body, js.headers['content-type']]).toEqual([
        200,
        'console.log(1);',
        'text/javascript; charset=utf-8',
      ]);
      expect(js.headers['set-cookie']).toBeUndefined();
      const escape = await send(emu.url, {
        method: 'GET',
        path: `/..%2f${path.basename(dir)}-secret.txt`,
        headers: { accept: 'application/json' },
      });
      expect(escape.status).toBe(404);
      expect(escape.body).not.toContain('secret');
      expect((await postStream(emu.url, await handshake(emu.url))).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), { force: true });
    }
  });
});
