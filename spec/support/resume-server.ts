import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the scripted stream POST ends after its tokens. */
export type PostEnd = 'destroy' | 'end';

/** One answer of the resume channel: SSE text chunks, or a status. */
export type ChannelScript = { status: number } | { chunks: string[]; hold?: boolean };

/** A request the scripted server saw, with its body. */
export interface SeenRequest {
  method: string;
  url: string;
  body: string;
}

/** A scripted chat-ui server for the resume channel (PROTOCOL.md §2.2). */
export interface ResumeServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const conversationId = '0123456789abcdef01234567';
const root = '3d3726cf-963a-484b-a2b9-f7fcb89ddbec';
const pad = (token: string) => token + '\u0000'.repeat(Math.max(0, 16 - token.length));

/** The SSE text of one update of the resume channel. */
export const update = (seq: number, value: unknown) =>
  `id: ${seq}\nevent: update\ndata: ${JSON.stringify(value)}\n\n`;

/** The channel's last event. */
export const end = (status: string) => `event: end\ndata: {"status":"${status}"}\n\n`;

/**
 * Answers `POST /conversation` with a conversation whose root is known, the stream POST with
 * `tokens` (a string: a stream token, padded as the real server pads them; an object: that
 * update as it is) and then `postEnd`, and each resume GET with
 * the next of `channel`; stop-generating with 200.
 */
export const startResumeServer = async (
  tokens: Array<string | object>,
  postEnd: PostEnd,
  channel: ChannelScript[],
): Promise<ResumeServer> => {
  const requests: SeenRequest[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    requests.push({ method: req.method ?? '', url: req.url ?? '', body });
    res.setHeader('set-cookie', 'hf-chat=resume; Path=/; HttpOnly; SameSite=None');
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/conversation') {
      const conversation = JSON.stringify({ json: { rootMessageId: root, id: conversationId } });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ conversationId, conversation }));
    }
    if (req.method === 'POST' && url === `/conversation/${conversationId}`) {
      res.writeHead(200, { 'content-type': 'application/jsonl' });
      res.write('{"type":"status","status":"started"}\n');
      for (const token of tokens) {
        const line = typeof token === 'string' ? { type: 'stream', token: pad(token) } : token;
        res.write(`${JSON.stringify(line)}\n`);
        await new Promise((r) => setTimeout(r, 1));
      }
      if (postEnd === 'destroy') return void res.socket?.destroy();
      return void res.end();
    }
    if (req.method === 'GET' && url.startsWith(`/conversation/${conversationId}/stream?`)) {
      const script = channel.shift() ?? { status: 500 };
      if ('status' in script) {
        res.writeHead(script.status, { 'content-type': 'application/json' });
        return void res.end('{"message":"Not found"}');
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const chunk of script.chunks) {
        res.write(chunk);
        await new Promise((r) => setTimeout(r, 1));
      }
      if (script.hold) return;
      return void res.socket?.destroy();
    }
    res.writeHead(200).end();
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
