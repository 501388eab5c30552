import crossFetch from 'cross-fetch';
import { Agent, createServer, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { withCookieJar } from '../../lib/http/default-fetch';
import { evictIdleSockets } from '../../lib/http/keep-alive';
import { until } from '../helpers';

// The server closes a connection idle for 200 ms; the client's pool drops sockets idle for
// 150 ms: the same 50 ms margin in miniature as the default's 4 s against a usual 5 s.
let serverIdleMs = 200;
const clientIdleMs = 150;

let server: Server;
let url: string;
const connections: string[] = [];
// The server's idle timers, one per connection: cleared at the end, so that none (up to 10 s)
// keeps Jest waiting after the last test.
const idle = new Map<Socket, NodeJS.Timeout>();

beforeAll(async () => {
  // Closes a connection idle for serverIdleMs, as a server's keep-alive timeout does, on its
  // own timer (Node's keepAliveTimeout would also send a `Keep-Alive: timeout=` hint, which
  // Node's agent follows, and which a proxy in front of a server need not send).
  server = createServer((req, res) => {
    const socket = req.socket;
    clearTimeout(idle.get(socket));
    res.on('finish', () => {
      idle.set(
        socket,
        setTimeout(() => socket.destroy(), serverIdleMs),
      );
    });
    res.end(String(connections.indexOf(`${socket.remotePort}`)));
  });
  server.keepAliveTimeout = 0;
  server.on('connection', (socket) => connections.push(`${socket.remotePort}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      for (const timer of idle.values()) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(() => {
  connections.length = 0;
  serverIdleMs = 200;
});

// A loaded machine's event loop, in one piece: no timer, the pool's or the server's, runs
// until the next request is already on its way.
const blockEventLoop = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose.
  }
};

// The body's end reaches the caller a little before its socket is back in the pool: waits
// for the pool, so that the next request can take it.
const get = async (agent: Agent) => {
  const text = await crossFetch(url, { agent } as RequestInit).then((response) => response.text());
  await until(() => Object.keys(agent.freeSockets).length > 0, 3000, 'the socket pooled');
  return text;
};

const twoRequestsAcrossALaggingLoop = async (agent: Agent) => {
  const first = await get(agent);
  blockEventLoop(serverIdleMs + 100);
  const second = await get(agent);
  agent.destroy();
  return [first, second];
};

describe('keep-alive sockets across a lagging event loop', () => {
  it('a plain keep-alive agent reuses the socket the server closed (the bug)', async () => {
    const plain = new Agent({ keepAlive: true, timeout: clientIdleMs });
    await expect(twoRequestsAcrossALaggingLoop(plain)).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('evictIdleSockets opens a fresh connection for a request after the idle time', async () => {
    const agent = evictIdleSockets(
      new Agent({ keepAlive: true, timeout: clientIdleMs }),
      clientIdleMs,
    );
    expect(await twoRequestsAcrossALaggingLoop(agent)).toEqual(['0', '1']);
    expect(connections).toHaveLength(2);
  });

  it('still reuses a socket idle for less than the idle time', async () => {
    const agent = evictIdleSockets(new Agent({ keepAlive: true, timeout: 10_000 }), 10_000);
    const first = await get(agent);
    const second = await get(agent);
    agent.destroy();
    expect([first, second]).toEqual(['0', '0']);
    expect(connections).toHaveLength(1);
  });

  it('the default fetch does it too: its pools give up a socket after 4 s by the clock', async () => {
    // Just over the default's 4 s, under a usual server's 5 s: the margin a lagging loop ate.
    serverIdleMs = 4200;
    const fetch = withCookieJar();
    const first = await (await fetch(url)).text();
    expect(first).toBe('0');
    blockEventLoop(serverIdleMs + 300);
    expect(await (await fetch(url)).text()).toBe('1');
    expect(connections).toHaveLength(2);
  });

  it('with sockets of different ages pooled, drops each when it is too old, not before', async () => {
    // The server keeps every connection: only the client's pool decides here.
    serverIdleMs = 10_000;
    const agent = evictIdleSockets(new Agent({ keepAlive: true, timeout: 10_000 }), clientIdleMs);
    // Two connections at once, pooled together.
    await Promise.all([get(agent), get(agent)]);
    await until(() => agent.freeSockets[Object.keys(agent.freeSockets)[0]]?.length === 2);
    expect(connections).toHaveLength(2);
    // One of them is used again: it is younger in the pool than the other.
    blockEventLoop(clientIdleMs / 2);
    const younger = await get(agent);
    // The older is now too old, the younger not: the younger serves, no new connection.
    blockEventLoop(clientIdleMs / 2 + 30);
    expect(await get(agent)).toBe(younger);
    expect(connections).toHaveLength(2);
    // Then the younger too grows too old: a fresh connection.
    blockEventLoop(clientIdleMs + 30);
    expect(await get(agent)).toBe('2');
    agent.destroy();
  });
});
