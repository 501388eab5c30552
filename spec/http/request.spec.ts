import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subscription } from 'rxjs';
import { H2oHttpError } from '../../lib';
import { createDefaultFetch } from '../../lib/http/default-fetch';
import { abortsWith } from '../../lib/http/controllers';
import { nodeFetchController } from '../../lib/http/node-fetch-signal';
import { exchange$, ExchangeSpec, lingerMs } from '../../lib/http/request';
import { FetchLike, resolveTransport } from '../../lib/http/transport';
import { until } from '../helpers';

// One response on loopback, scripted by the test, and how its connection ended.
interface Held {
  res: ServerResponse;
  /** Resolves when the connection closed: `early` unless the response ended first. */
  closed: Promise<{ early: boolean }>;
}

let server: Server;
let url: string;
let next: (held: Held, req: IncomingMessage) => void;
let arrived: Promise<Held>;

const expectRequest = () => {
  arrived = new Promise((resolve) => {
    next = (held) => resolve(held);
  });
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const closed = new Promise<{ early: boolean }>((resolve) =>
      res.on('close', () => resolve({ early: !res.writableFinished })),
    );
    next({ res, closed }, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(expectRequest);

const transport = () => resolveTransport(url, {}, createDefaultFetch());
const text = (chunk: Uint8Array) => new TextDecoder().decode(chunk);

type Signals = (AbortSignal | null | undefined)[];

// The default fetch, watched: the signal each request was given goes into `signals`. Marked as
// the default is (`light`), it is given node-fetch's light signals; else Node's.
const watchedTransport = (signals: Signals, light = true) => {
  const fetch = createDefaultFetch();
  const watched: FetchLike = (input, init) => {
    signals.push(init?.signal);
    return fetch(input, init);
  };
  return resolveTransport(url, {}, light ? abortsWith(watched, nodeFetchController) : watched);
};

// Emits each chunk's text; `done` settles when the body ended or was cut.
const streaming = (linger?: () => boolean) => {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const read: string[] = [];
  const spec: ExchangeSpec<string> = {
    step: 'stream',
    path: '/s',
    init: { method: 'GET' },
    linger,
    consume: async ({ body }, out) => {
      try {
        for await (const chunk of body.chunks) {
          read.push(text(chunk));
          out.next(text(chunk));
        }
      } finally {
        finish();
      }
    },
  };
  return { spec, done, read };
};

describe('exchange$ on loopback', () => {
  it('unsubscribing before the headers aborts the request: the server sees it close', async () => {
    const sub = exchange$(transport(), streaming().spec).subscribe();
    const held = await arrived;
    sub.unsubscribe();
    expect(await held.closed).toEqual({ early: true });
  });

  it('unsubscribing mid-body cuts the body: no error, the server sees it close', async () => {
    const { spec } = streaming();
    const got: string[] = [];
    const errors: unknown[] = [];
    let sub: Subscription | undefined = undefined;
    sub = exchange$(transport(), spec).subscribe({
      next: (v) => {
        got.push(v);
        sub?.unsubscribe();
      },
      error: (e: unknown) => errors.push(e),
    });
    const held = await arrived;
    held.res.writeHead(200, { 'content-type': 'text/plain' });
    held.res.write('a');
    expect(await held.closed).toEqual({ early: true });
    expect(got).toEqual(['a']);
    expect(errors).toEqual([]);
  });

  it('lingers when asked: the body is read to its own end and the server ends normally', async () => {
    const { spec, done, read } = streaming(() => true);
    const got: string[] = [];
    let sub: Subscription | undefined = undefined;
    sub = exchange$(transport(), spec).subscribe((v) => {
      got.push(v);
      sub?.unsubscribe();
    });
    const held = await arrived;
    held.res.writeHead(200, { 'content-type': 'text/plain' });
    held.res.write('a');
    // Unsubscribed on 'a'; the server goes on, and the client reads on.
    await until(() => got.length === 1, 3000, "the client's 'a'");
    held.res.end('b');
    await done;
    expect(read).toEqual(['a', 'b']);
    expect(await held.closed).toEqual({ early: false });
    // Nothing reaches a subscriber that has gone.
    expect(got).toEqual(['a']);
  });

  it(`lingers at most ${lingerMs} ms, then aborts after all`, async () => {
    const { spec, done } = streaming(() => true);
    let sub: Subscription | undefined = undefined;
    sub = exchange$(transport(), spec).subscribe(() => sub?.unsubscribe());
    const held = await arrived;
    held.res.writeHead(200, { 'content-type': 'text/plain' });
    held.res.write('a');
    const started = performance.now();
    expect(await held.closed).toEqual({ early: true });
    await done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(lingerMs - 50);
  });

  it('a status not accepted is an H2oHttpError with the body read', async () => {
    const errors: unknown[] = [];
    exchange$(transport(), streaming().spec).subscribe({ error: (e: unknown) => errors.push(e) });
    const held = await arrived;
    held.res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    await until(() => errors.length === 1, 3000, 'the error');
    expect(errors[0]).toBeInstanceOf(H2oHttpError);
    expect((errors[0] as H2oHttpError).status).toBe(503);
  });

  it("the default fetch's pending request is aborted through node-fetch's light signal", async () => {
    const signals: Signals = [];
    const sub = exchange$(watchedTransport(signals), streaming().spec).subscribe();
    const held = await arrived;
    // Not Node's AbortSignal (no EventTarget), but one node-fetch takes by its class's name.
    expect(signals[0]).not.toBeInstanceOf(AbortSignal);
    expect(signals[0]?.constructor.name).toBe('AbortSignal');
    sub.unsubscribe();
    expect(await held.closed).toEqual({ early: true });
    expect(signals[0]?.aborted).toBe(true);
  });

  it('a fetch not known to take the light signal gets an AbortController per request', async () => {
    const signals: Signals = [];
    const own = watchedTransport(signals, false);
    const done: unknown[] = [];
    exchange$(own, streaming().spec).subscribe({ complete: () => done.push('first') });
    (await arrived).res.end('whole');
    await until(() => done.length === 1, 3000, 'the first exchange');
    expectRequest();
    const second = exchange$(own, streaming().spec).subscribe();
    const held = await arrived;
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[1]).toBeInstanceOf(AbortSignal);
    expect(signals[1]).not.toBe(signals[0]);
    second.unsubscribe();
    expect(await held.closed).toEqual({ early: true });
    expect(signals[0]?.aborted).toBe(false);
    expect(signals[1]?.aborted).toBe(true);
  });

  it('leaving a lingering body that has all arrived lets it be read to its end, unaborted', async () => {
    const read: string[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const spec: ExchangeSpec<string> = {
      step: 'stream',
      path: '/s',
      init: { method: 'GET' },
      linger: () => true,
      consume: async ({ body }, out) => {
        // Nothing read until the whole body is in: then the subscriber leaves.
        await until(() => body.arrived(), 3000, 'the whole body');
        out.next('arrived');
        for await (const chunk of body.chunks) read.push(text(chunk));
        finish();
      },
    };
    let sub: Subscription | undefined = undefined;
    const signals: Signals = [];
    sub = exchange$(watchedTransport(signals), spec).subscribe(() => sub?.unsubscribe());
    const held = await arrived;
    held.res.writeHead(200, { 'content-type': 'text/plain' });
    held.res.end('ab');
    await done;
    expect(read.join('')).toBe('ab');
    expect(signals[0]?.aborted).toBe(false);
    expect(await held.closed).toEqual({ early: false });
  });

  it('the next step, started while a step emits, is not aborted when the first then leaves', async () => {
    const signals: Signals = [];
    const shared = watchedTransport(signals);
    // A handshake step: reads its whole answer, then emits (where `chain` starts the next).
    const step: ExchangeSpec<string> = {
      step: 'session',
      path: '/',
      init: { method: 'GET' },
      consume: async ({ body }, out) => {
        let all = '';
        for await (const chunk of body.chunks) all += text(chunk);
        out.next(all);
      },
    };
    const got: string[] = [];
    let first: Subscription | undefined = undefined;
    first = exchange$(shared, step).subscribe(() => {
      expectRequest();
      exchange$(shared, step).subscribe((v) => got.push(v));
      // Leaves while its own exchange has not yet completed.
      first?.unsubscribe();
    });
    (await arrived).res.end('one');
    await until(() => signals.length === 2, 3000, 'the second request');
    const held = await arrived;
    expect(signals[1]).not.toBe(signals[0]);
    expect(signals[1]?.aborted).toBe(false);
    held.res.end('two');
    await until(() => got.length === 1, 3000, 'the second answer');
    expect(got).toEqual(['two']);
    expect(await held.closed).toEqual({ early: false });
  });

  it("leaving during a redirect's next request aborts it and the redirect's unread answer", async () => {
    const signals: Signals = [];
    const sub = exchange$(watchedTransport(signals), streaming().spec).subscribe();
    // A redirect whose body nobody reads and that never ends (over the 16 KiB node-fetch
    // buffers): its response still listens to the signal while the next request is pending.
    const redirect = await arrived;
    expectRequest();
    redirect.res.writeHead(302, { location: '/s', 'content-type': 'text/plain' });
    redirect.res.write('x'.repeat(64 * 1024));
    const held = await arrived;
    sub.unsubscribe();
    expect(await held.closed).toEqual({ early: true });
    expect(await redirect.closed).toEqual({ early: true });
    expect(signals).toHaveLength(1);
  });
});
