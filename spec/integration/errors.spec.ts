import { lastValueFrom, timeout, toArray } from 'rxjs';
import {
  completion$,
  completionEvents$,
  H2oHttpError,
  H2oNetworkError,
  H2oProtocolError,
  h2oRetry,
  isRetryable,
} from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, hello, ofStep, until, viaLoopback } from '../helpers';

const reply = () => ['Hello', ',', ' world', '!'];

describe('errors', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  const run = (options = {}) =>
    collect(completion$('falcon-40b', hello, { baseUrl: emu.url, ...options }));

  it.each([
    ['session', 503],
    ['settings', 500],
    ['conversation', 405],
    ['stream', 404],
    ['stream', 429],
  ] as const)('a %s answering %i is an H2oHttpError of that step', async (step, status) => {
    emu.inject({ step, status });
    const { values, error } = await run();
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(H2oHttpError);
    const e = error as H2oHttpError;
    expect([e.step, e.status]).toEqual([step, status]);
    expect(e.url).toMatch(new RegExp(`^${emu.url}/`));
    expect(e.body.length).toBeLessThanOrEqual(2048);
    expect(isRetryable(e)).toBe([429, 500, 503].includes(status));
  });

  it('reads the message from the server body', async () => {
    emu.inject({ step: 'stream', status: 404, body: '{"message":"Conversation not found"}' });
    const { error } = await run();
    expect((error as Error).message).toBe('stream: HTTP 404: Conversation not found');
  });

  it('reads Retry-After', async () => {
    emu.inject({ step: 'stream', status: 429, headers: { 'retry-after': '7' } });
    const { error } = await run();
    expect((error as H2oHttpError).retryAfterMs).toBe(7000);
  });

  it('caps the body at 2,048 characters', async () => {
    emu.inject({
      step: 'conversation',
      status: 502,
      body: 'x'.repeat(10_000),
      contentType: 'text/plain',
    });
    const { error } = await run();
    expect((error as H2oHttpError).body).toHaveLength(2048);
  });

  it('an HTML page where JSON is expected is unexpected-response', async () => {
    emu.inject({
      step: 'conversation',
      status: 200,
      body: '<!doctype html><p>hi</p>',
      contentType: 'text/html',
    });
    const { error } = await run();
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect(error).toMatchObject({ step: 'conversation', reason: 'unexpected-response' });
  });

  it('a JSON answer without conversationId is unexpected-response', async () => {
    emu.inject({ step: 'conversation', status: 200, body: '{"id":"x"}' });
    const { error } = await run();
    expect(error).toMatchObject({ step: 'conversation', reason: 'unexpected-response' });
  });

  it('an in-band error event comes after the tokens before it, as server-error', async () => {
    emu.inject({ step: 'stream', kind: 'error-event', afterTokens: 2 });
    const { values, error } = await run();
    expect(values).toEqual(['Hello', ',']);
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect(error).toMatchObject({
      step: 'stream',
      reason: 'server-error',
      errorType: 'generation',
    });
    expect(isRetryable(error)).toBe(false);
  });

  it('a stream that ends without the final event is truncated (retryable)', async () => {
    emu.inject({ step: 'stream', kind: 'no-final', afterTokens: 2 });
    const { values, error } = await run();
    expect(values).toEqual(['Hello', ',']);
    expect(error).toMatchObject({ step: 'stream', reason: 'truncated' });
    expect(isRetryable(error)).toBe(true);
  });

  it('a malformed line is malformed', async () => {
    emu.inject({ step: 'stream', kind: 'malformed', afterTokens: 1 });
    const { values, error } = await run();
    expect(values).toEqual(['Hello']);
    expect(error).toMatchObject({ step: 'stream', reason: 'malformed' });
  });

  it('a connection dropped mid-stream is an H2oNetworkError (retryable)', async () => {
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 2 });
    const { values, error } = await run();
    expect(values).toEqual(['Hello', ',']);
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect((error as H2oNetworkError).step).toBe('stream');
    expect(isRetryable(error)).toBe(true);
  });

  it('a reset before any answer is an H2oNetworkError of that step', async () => {
    emu.inject({ step: 'settings', kind: 'reset' });
    const { error } = await run();
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect((error as H2oNetworkError).step).toBe('settings');
  });

  it('connection refused is an H2oNetworkError of the session step', async () => {
    const url = emu.url;
    await emu.close();
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: url }));
    expect(error).toMatchObject({ name: 'H2oNetworkError', step: 'session' });
    emu = await startEmulator();
  });

  it('a line over maxLineBytes is line-too-long; the client closes the socket and sends a stop', async () => {
    // The server would go on writing (it stalls after the first event): the client must close.
    emu.inject({ step: 'stream', kind: 'stall', afterTokens: 1 });
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url, maxLineBytes: 64 }),
    );
    expect(error).toMatchObject({ step: 'stream', reason: 'line-too-long' });
    // settled() waits for the stop that follows a stream the client closed early.
    await emu.settled();
    expect(ofStep(emu, 'stream')[0]).toMatchObject({ finished: true, closedEarly: true });
    // The server would generate on: the client's own cut tells it to stop (issue 9 item 5).
    expect(ofStep(emu, 'stop')).toHaveLength(1);
  });

  it('a Secure cookie from a plain-http server on another host is insecure-cookie', async () => {
    // The server is on loopback; viaLoopback makes it look like another host.
    const port = new URL(emu.url).port;
    const remote = `http://chat.example.test:${port}`;
    const { error } = await collect(
      completion$('falcon-40b', hello, {
        baseUrl: remote,
        fetch: viaLoopback('chat.example.test'),
      }),
    );
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect(error).toMatchObject({ step: 'session', reason: 'insecure-cookie' });
    expect((error as Error).message).toMatch(/https/);
    expect(emu.requests).toHaveLength(1);
  });
});

describe('h2oRetry and timeout', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  it('re-runs the whole handshake with a fresh session after a retryable error', async () => {
    emu.inject({ step: 'stream', status: 503, times: 2 });
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 3, baseMs: 10 }),
        toArray(),
      ),
    );
    expect(tokens).toEqual(['Hello', ',', ' world', '!']);
    expect(ofStep(emu, 'session')).toHaveLength(3);
    expect(ofStep(emu, 'stream').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after count retries with the last error', async () => {
    emu.inject({ step: 'conversation', status: 500, times: 5 });
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 2, baseMs: 5 }),
      ),
    );
    expect(error).toMatchObject({ status: 500, step: 'conversation' });
    expect(ofStep(emu, 'conversation')).toHaveLength(3);
  });

  it('does not retry non-retryable errors', async () => {
    emu.inject({ step: 'stream', status: 404 });
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 3, baseMs: 5 }),
      ),
    );
    expect(error).toMatchObject({ status: 404 });
    expect(ofStep(emu, 'session')).toHaveLength(1);
  });

  it('does not retry an attempt that already emitted tokens', async () => {
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 2 });
    const { values, error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 3, baseMs: 5 }),
      ),
    );
    expect(values).toEqual(['Hello', ',']);
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(ofStep(emu, 'stream')).toHaveLength(1);
  });

  it('retries completionEvents$ after step events (they are not output the user sees twice)', async () => {
    emu.inject({ step: 'stream', status: 503 });
    const events = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 1, baseMs: 5 }),
        toArray(),
      ),
    );
    const steps = events.filter((e) => e.type === 'step').map((e) => (e as { step: string }).step);
    // The failed attempt's first three steps, then the whole handshake again.
    expect(steps).toEqual([
      'session',
      'settings',
      'conversation',
      'session',
      'settings',
      'conversation',
      'stream',
    ]);
    expect(events[events.length - 1]).toMatchObject({ type: 'done', text: 'Hello, world!' });
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 2000).toUTCString(); // whole seconds: 1-2 s from now
    emu.inject({ step: 'stream', status: 503, headers: { 'retry-after': at } });
    const started = Date.now();
    await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 1, baseMs: 1 }),
        toArray(),
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('honours Retry-After', async () => {
    emu.inject({ step: 'stream', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 1, baseMs: 1 }),
        toArray(),
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a stalled stream under timeout, closing the stalled socket', async () => {
    emu.inject({ step: 'stream', kind: 'stall', afterTokens: 0 });
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        timeout({ first: 1500, each: 300 }),
        h2oRetry({ count: 1, baseMs: 5 }),
        toArray(),
      ),
    );
    expect(tokens.join('')).toBe('Hello, world!');
    const [stalled, ok] = ofStep(emu, 'stream');
    await until(() => stalled.finished, 3000, 'stalled stream closed');
    expect(stalled.closedEarly).toBe(true);
    expect(ok.status).toBe(200);
  });
});
