import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subscription } from 'rxjs';
import { H2oHttpError } from '../../lib';
import { createDefaultFetch } from '../../lib/http/default-fetch';
import { exchange$, ExchangeSpec, lingerMs } from '../../lib/http/request';
import { resolveTransport } from '../../lib/http/transport';
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
});
