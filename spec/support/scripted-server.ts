import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a scripted stream answer sends: its content type and its body, chunk by chunk. */
export interface ScriptedStream {
  contentType: string;
  chunks: Array<string | Uint8Array>;
  /** Keep the response open after the chunks (the client must end it). */
  hold?: boolean;
  /** Answer the settings form with a 303, as the real server does for `Accept: text/html`. */
  settingsRedirect?: boolean;
}

/** A minimal server for protocol edge cases the emulator does not produce. */
export interface ScriptedServer {
  url: string;
  /** Method and path of every request, in order. */
  seen: string[];
  /** Requests whose connection the client closed before the response ended. */
  closedEarly: string[];
  close(): Promise<void>;
}

const cookie = 'hf-chat=scripted; Path=/; HttpOnly; SameSite=None';

/**
 * Answers the four requests of dialect h2o (and chat-ui's conversation) as the real server
 * does, and the stream request with `stream` exactly as scripted.
 */
export const startScriptedServer = async (stream: ScriptedStream): Promise<ScriptedServer> => {
  const seen: string[] = [];
  const closedEarly: string[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const what = `${req.method} ${req.url}`;
    seen.push(what);
    res.on('close', () => {
      if (!res.writableFinished) closedEarly.push(what);
    });
    for await (const _ of req) void _;
    res.setHeader('set-cookie', cookie);
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>chat</title>');
    } else if (req.url === '/settings' && stream.settingsRedirect) {
      res.writeHead(303, { location: '/' }).end();
    } else if (req.url === '/settings') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'redirect', status: 303, location: '/' }));
    } else if (req.url === '/conversation') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ conversationId: '0123456789abcdef01234567' }));
    } else if (/^\/conversation\/[0-9a-f]{24}$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': stream.contentType });
      for (const chunk of stream.chunks) {
        res.write(chunk);
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!stream.hold) res.end();
    } else {
      res.writeHead(200).end();
    }
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    closedEarly,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
