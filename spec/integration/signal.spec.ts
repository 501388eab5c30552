import { getEventListeners } from 'node:events';
import { completion$, H2oInputError, listModels$, openSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, hello, ofStep, seen, until } from '../helpers';

const reply = () => Array.from({ length: 50 }, (_, i) => ` t${i}`);

describe('the signal option', () => {
  let emu: Emulator;
  afterEach(() => emu.close());

  it.each(['session', 'settings', 'conversation'] as const)(
    'aborted during the %s step: that request is aborted, nothing further is sent, the Observable completes',
    async (step) => {
      emu = await startEmulator({ reply, latencyMs: 300 });
      const controller = new AbortController();
      const ended = collect(
        completion$('falcon-40b', hello, { baseUrl: emu.url, signal: controller.signal }),
      );
      await until(() => ofStep(emu, step).length === 1, 3000, `${step} request`);
      controller.abort();
      const { values, error, completed } = await ended;
      expect({ values, error, completed }).toEqual({
        values: [],
        error: undefined,
        completed: true,
      });
      await until(() => ofStep(emu, step)[0].finished, 3000, `${step} closed`);
      expect(ofStep(emu, step)[0].closedEarly).toBe(true);
      await emu.settled();
      expect(emu.requests[emu.requests.length - 1].step).toBe(step);
      expect(ofStep(emu, 'stop')).toHaveLength(0);
    },
  );

  it('aborted while streaming: the stream is closed, stop-generating sent, the tokens so far kept', async () => {
    emu = await startEmulator({ reply, tokenDelayMs: 10 });
    const controller = new AbortController();
    const values: string[] = [];
    const ended = new Promise<string>((resolve) =>
      completion$('falcon-40b', hello, { baseUrl: emu.url, signal: controller.signal }).subscribe({
        next: (token) => {
          values.push(token);
          if (values.length === 3) controller.abort();
        },
        error: () => resolve('error'),
        complete: () => resolve('complete'),
      }),
    );
    expect(await ended).toBe('complete');
    expect(values).toEqual([' t0', ' t1', ' t2']);
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
    await until(() => ofStep(emu, 'stream')[0].finished, 3000, 'stream closed');
    expect(ofStep(emu, 'stream')[0].closedEarly).toBe(true);
    expect(seen(emu)).toEqual([
      'GET /',
      'POST /settings',
      'POST /conversation',
      'POST /conversation/:id',
      'POST /conversation/:id/stop-generating',
    ]);
  });

  it('with { stream: false }, aborting mid-answer emits nothing and completes', async () => {
    emu = await startEmulator({ reply, tokenDelayMs: 10 });
    const controller = new AbortController();
    const ended = collect(
      completion$('falcon-40b', hello, {
        baseUrl: emu.url,
        stream: false,
        signal: controller.signal,
      }),
    );
    // 50 tokens 10 ms apart: the answer is still streaming when the request is seen.
    await until(() => ofStep(emu, 'stream').length === 1, 3000, 'stream request');
    controller.abort();
    expect(await ended).toEqual({ values: [], completed: true });
  });

  it('already aborted: completes at once, without a single request', async () => {
    emu = await startEmulator({ reply });
    const values: string[] = [];
    let completed = false;
    completion$('falcon-40b', hello, { baseUrl: emu.url, signal: AbortSignal.abort() }).subscribe({
      next: (v) => values.push(v),
      complete: () => (completed = true),
    });
    expect({ values, completed }).toEqual({ values: [], completed: true }); // synchronously
    await emu.settled();
    expect(emu.requests).toHaveLength(0);
  });

  it('removes its abort listener when the completion ends, however it ends', async () => {
    emu = await startEmulator({ reply: () => 'Hi' });
    const { signal } = new AbortController();
    const listeners = () => getEventListeners(signal, 'abort').length;

    const done = collect(completion$('falcon-40b', hello, { baseUrl: emu.url, signal }));
    expect(listeners()).toBe(1);
    expect(await done).toEqual({ values: ['Hi'], completed: true });
    expect(listeners()).toBe(0);

    emu.inject({ step: 'conversation', status: 400 });
    const failed = await collect(completion$('falcon-40b', hello, { baseUrl: emu.url, signal }));
    expect(failed.completed).toBe(false);
    expect(listeners()).toBe(0);

    const sub = completion$('falcon-40b', hello, { baseUrl: emu.url, signal }).subscribe();
    expect(listeners()).toBe(1);
    sub.unsubscribe();
    expect(listeners()).toBe(0);
  });

  it.each([
    {},
    'abort',
    { aborted: false },
    { aborted: 'no', addEventListener() {}, removeEventListener() {} },
  ])('refuses %p as a signal before any request', async (signal) => {
    emu = await startEmulator({ reply });
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url, signal: signal as never }),
    );
    expect(error).toBeInstanceOf(H2oInputError);
    expect((error as Error).message).toMatch(/signal must be an AbortSignal/);
    await emu.settled();
    expect(emu.requests).toHaveLength(0);
  });

  it('openSession honours it: the request in flight is aborted and it completes', async () => {
    emu = await startEmulator({ reply, latencyMs: 300 });
    const controller = new AbortController();
    const ended = collect(openSession({ baseUrl: emu.url, signal: controller.signal }));
    await until(() => emu.requests.length === 1, 3000, 'GET /');
    controller.abort();
    expect(await ended).toEqual({ values: [], completed: true });
    await until(() => emu.requests[0].finished, 3000, 'GET / closed');
    expect(emu.requests[0].closedEarly).toBe(true);
    await emu.settled();
    expect(seen(emu)).toEqual(['GET /']);
  });

  it('openSession and listModels$ refuse a bad signal and skip the work for an aborted one', async () => {
    emu = await startEmulator({ reply });
    const bad = { baseUrl: emu.url, signal: {} as never };
    expect((await collect(openSession(bad))).error).toBeInstanceOf(H2oInputError);
    expect((await collect(listModels$(bad))).error).toBeInstanceOf(H2oInputError);
    const aborted = { baseUrl: emu.url, signal: AbortSignal.abort() };
    expect(await collect(openSession(aborted))).toEqual({ values: [], completed: true });
    expect(await collect(listModels$(aborted))).toEqual({ values: [], completed: true });
    await emu.settled();
    expect(emu.requests).toHaveLength(0);
  });
});
