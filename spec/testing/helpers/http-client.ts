import { request, type IncomingHttpHeaders } from 'node:http';

/** A request to replay, as a test describes it. */
export interface Outgoing {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What came back over the socket. */
export interface Incoming {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as received, for one that is not text (gzip). */
  bytes: Buffer;
  /** The body ended properly (the terminating chunk, or all of Content-Length). */
  clean: boolean;
  /** The test aborted the request itself. */
  aborted: boolean;
}

/** Called on every body chunk with the body so far; `abort` closes the connection. */
export type OnChunk = (bodySoFar: string, abort: () => void) => void;

/**
 * Sends one request over a fresh connection with node:http (no fetch, no cookie jar) and
 * reports how the body ended. Rejects only when no response head arrived.
 */
export const send = (baseUrl: string, out: Outgoing, onChunk?: OnChunk): Promise<Incoming> =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...out.headers };
    if (out.body !== undefined && !Object.keys(headers).some((h) => /^content-length$/i.test(h))) {
      headers['content-length'] = String(Buffer.byteLength(out.body));
    }
    const req = request(new URL(out.path, baseUrl), { method: out.method, headers, agent: false });
    let aborted = false;
    req.on('error', (error) => reject(error));
    req.on('response', (res) => {
      req.removeAllListeners('error');
      req.on('error', () => undefined);
      const chunks: Buffer[] = [];
      const body = () => Buffer.concat(chunks).toString('utf8');
      const abort = () => {
        aborted = true;
        req.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        onChunk?.(body(), abort);
      });
      res.on('error', () => undefined);
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: body(),
          bytes: Buffer.concat(chunks),
          clean: res.complete,
          aborted,
        }),
      );
    });
    req.end(out.body);
  });

/** The `data:` payloads of an SSE body, in order. */
export const dataLines = (body: string): string[] =>
  body
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice('data:'.length));

/** The `data:` payloads parsed as JSON (throws on a malformed one). */
export const events = (body: string): Record<string, unknown>[] =>
  dataLines(body).map((line) => JSON.parse(line) as Record<string, unknown>);

/** Resolves after `ms` milliseconds. */
/**
 * An `onChunk` that settles `begun` with the request's abort at the first body chunk: the
 * server has the request and is answering, without guessing how long that takes.
 */
export const firstChunk = (): { onChunk: OnChunk; begun: Promise<() => void> } => {
  let resolve!: (abort: () => void) => void;
  const begun = new Promise<() => void>((r) => (resolve = r));
  return { onChunk: (_soFar, abort) => resolve(abort), begun };
};
