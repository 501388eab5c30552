import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the route server received. */
export interface RouteRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client closed the connection before the response ended. */
  closedEarly: boolean;
  /** The response has ended, or its connection closed. */
  ended: boolean;
}

/** Answers one request; `req.body` has been read in full. */
export type Route = (req: RouteRequest, res: ServerResponse) => void | Promise<void>;

/** A loopback server whose every answer is the test's own function. */
export interface RouteServer {
  url: string;
  requests: RouteRequest[];
  /** `METHOD /path` of every request, in order. */
  seen(): string[];
  close(): Promise<void>;
}

// Every route server still open: all are closed after each test (closeRouteServers, run by
// spec/support/after-each.ts for every spec file).
const openServers = new Set<RouteServer>();

/** Closes every route server still open; run after every test. */
export const closeRouteServers = async (): Promise<void> => {
  await Promise.all([...openServers].map((server) => server.close()));
};

/** Starts a server on 127.0.0.1 that answers every request with `route`. */
export const startRouteServer = async (route: Route): Promise<RouteServer> => {
  const requests: RouteRequest[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const record: RouteRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      closedEarly: false,
      ended: false,
    };
    requests.push(record);
    res.on('close', () => {
      record.closedEarly = !res.writableFinished;
      record.ended = true;
    });
    try {
      await route(record, res);
    } catch {
      res.destroy();
    }
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const routeServer: RouteServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    seen: () => requests.map((r) => `${r.method} ${r.path}`),
    close: () =>
      new Promise((resolve) => {
        openServers.delete(routeServer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  openServers.add(routeServer);
  return routeServer;
};

/** The TGI event of one token (with `final`, the last event). */
export const tgiEvent = (text: string, special = false, final: string | null = null): string =>
  `data:${JSON.stringify({ token: { id: 1, text, logprob: -1, special }, generated_text: final, details: null })}\n\n`;

const conversationId = '0123456789abcdef01234567';

/**
 * The handshake of dialect h2o as the 2023 server answers it (a cookie on each answer), with
 * everything else left to `rest`.
 */
export const h2oRoutes =
  (rest: Route): Route =>
  (req, res) => {
    if (req.method === 'GET' && req.path === '/') {
      res.setHeader('set-cookie', 'hf-chat=route; Path=/; HttpOnly; SameSite=None');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>chat</title>');
    } else if (req.method === 'POST' && req.path === '/settings') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'redirect', status: 303, location: '/' }));
    } else if (req.method === 'POST' && req.path === '/conversation') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ conversationId }));
    } else {
      return rest(req, res);
    }
  };

/** The stream path of the conversation {@link h2oRoutes} creates. */
export const streamPath = `/conversation/${conversationId}`;

/** The stream step's answer "Hi", ended by the end token; every other request a plain 200. */
export const answerHi: Route = (req, res) => {
  if (req.path !== streamPath) return void res.writeHead(200).end();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(tgiEvent('Hi') + tgiEvent('<|endoftext|>', true, 'Hi'));
};
