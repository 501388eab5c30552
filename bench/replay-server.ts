// A stand-in for the emulator that is never the bottleneck: the same four answers, and the
// very bytes the emulator streams (its own planEvents), written in one go so that the client
// reads as fast as it can. It checks nothing: it exists to measure clients, not the protocol.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { planEvents } from '../lib/testing/h2o/tgi-stream';
import { benchTokens } from './reply';

const COOKIE = 'hf-chat=00000000-0000-4000-8000-000000000000; Path=/; HttpOnly; SameSite=None';
const bodies = new Map<number, Buffer>();

const streamOf = (count: number): Buffer => {
  let body = bodies.get(count);
  if (!body) {
    const events = planEvents(benchTokens(count), {
      maxNewTokens: Number.MAX_SAFE_INTEGER,
      stop: [],
    });
    body = Buffer.from(events.join(''), 'utf8');
    bodies.set(count, body);
  }
  return body;
};

/** Starts the replay server on 127.0.0.1; resolves with its URL and the server. */
export const startReplay = async (): Promise<{ url: string; server: Server }> => {
  let ids = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const json = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': COOKIE });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && path === '/') {
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': COOKIE });
        return res.end('<!doctype html><title>replay</title>');
      }
      if (path === '/settings') return json({ type: 'redirect', status: 303, location: '/' });
      if (path === '/conversation')
        return json({ conversationId: (++ids).toString(16).padStart(24, '0') });
      const match = /tokens:(\d+)/.exec(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'set-cookie': COOKIE });
      res.end(streamOf(match ? Number(match[1]) : 20));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};
