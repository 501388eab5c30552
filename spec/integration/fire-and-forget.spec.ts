import type { ServerResponse } from 'node:http';
import { completion$ } from '../../lib';
import { fireAndForgetSettled } from '../../lib/http/fire-and-forget';
import { collect, hello, until } from '../helpers';
import {
  h2oRoutes,
  RouteRequest,
  RouteServer,
  startRouteServer,
  streamPath,
  tgiEvent,
} from '../support/route-server';

const isStop = (r: RouteRequest) => r.path === `${streamPath}/stop-generating`;
const isDelete = (r: RouteRequest) => r.method === 'DELETE' && r.path === streamPath;

// A server whose stop and DELETE never answer (their connections stay open until the client
// gives up), and whose stream is `stream`.
const startHanging = (stream: (res: ServerResponse) => void) => {
  const held: ServerResponse[] = [];
  return startRouteServer(
    h2oRoutes((req, res) => {
      if (req.method === 'POST' && req.path === streamPath) return stream(res);
      held.push(res); // never answered
    }),
  );
};

const sse = (res: ServerResponse, body: string, hold = false) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (hold) res.write(body);
  else res.end(body);
};

describe('fire-and-forget requests (stop-generating, the deleteAfter DELETE)', () => {
  let server: RouteServer | undefined;

  it('deleteAfter never holds back a stream: false answer, and gives up after 2 s', async () => {
    server = await startHanging((res) =>
      sse(res, tgiEvent('Hi') + tgiEvent('<|endoftext|>', true, 'Hi')),
    );
    const s = server;
    const { values, completed } = await collect(
      completion$('falcon-40b', hello, { baseUrl: s.url, stream: false, deleteAfter: true }),
    );
    expect([values, completed]).toEqual([['Hi'], true]);
    // The answer came while the DELETE was still unanswered (or not even sent).
    expect(s.requests.filter(isDelete).every((r) => !r.ended)).toBe(true);
    await until(() => s.requests.some(isDelete), 3000, 'the DELETE');
    const started = Date.now();
    await until(() => s.requests.find(isDelete)?.ended === true, 5000, 'the DELETE abandoned');
    expect(s.requests.find(isDelete)?.closedEarly).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('deleteAfter also applies when the end token (not the final event) ended the stream', async () => {
    server = await startHanging((res) =>
      sse(res, tgiEvent('Hi') + tgiEvent('<|endoftext|>', true), true),
    );
    const s = server;
    const { values, completed } = await collect(
      completion$('falcon-40b', hello, { baseUrl: s.url, deleteAfter: true }),
    );
    expect([values, completed]).toEqual([['Hi'], true]);
    await until(() => s.requests.some(isDelete), 3000, 'the DELETE');
    await until(() => s.requests.some(isStop), 3000, 'the stop');
  });

  it('a stop-generating that never answers is abandoned after at most 2 s', async () => {
    server = await startHanging((res) =>
      sse(res, tgiEvent('Hi') + tgiEvent('<|endoftext|>', true), true),
    );
    const s = server;
    await collect(completion$('falcon-40b', hello, { baseUrl: s.url }));
    await until(() => s.requests.some(isStop), 3000, 'the stop');
    const started = Date.now();
    await until(() => s.requests.find(isStop)?.ended === true, 5000, 'the stop abandoned');
    expect(s.requests.find(isStop)?.closedEarly).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('a stream the client cuts itself', () => {
  let server: RouteServer | undefined;

  const start = (body: string) =>
    startRouteServer(
      h2oRoutes((req, res) => {
        if (req.method === 'POST' && req.path === streamPath) return sse(res, body, true);
        res.writeHead(200).end();
      }),
    );

  it.each([
    ['line-too-long', tgiEvent('Hi') + `data:${'x'.repeat(2000)}`, { maxLineBytes: 1000 }],
    ['malformed', tgiEvent('Hi') + 'data:{nope\n\n', {}],
    ['unexpected-response', '<!doctype html><p>login</p>\n', {}],
  ])('%s: the server is told to stop generating', async (reason, body, options) => {
    server = await start(body);
    const s = server;
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: s.url, ...options }),
    );
    expect(error).toMatchObject({ reason });
    await until(() => s.requests.some(isStop), 3000, 'the stop');
    expect(s.requests.find((r) => r.path === streamPath)?.closedEarly).toBe(true);
  });

  it('no stop after the server own in-band error, which ends the generation', async () => {
    server = await startRouteServer(
      h2oRoutes((req, res) => {
        if (req.method === 'POST' && req.path === streamPath) {
          return sse(res, tgiEvent('Hi') + 'data:{"error":"boom","error_type":"generation"}\n\n');
        }
        res.writeHead(200).end();
      }),
    );
    const s = server;
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: s.url }));
    expect(error).toMatchObject({ reason: 'server-error' });
    // Once the client holds no fire-and-forget request, any stop it sent has been answered.
    await fireAndForgetSettled();
    expect(s.requests.some(isStop)).toBe(false);
  });
});
