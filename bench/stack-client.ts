// The default fetch stack's own floor: the raw client's four requests and hand-written stream
// reading, sent through the fetch completion$ uses by default (cross-fetch = node-fetch v2,
// fetch-cookie with a fresh tough-cookie jar per completion, our shared keep-alive agent), with
// none of the library's own layers. completion$ against this is what the library adds; this
// against raw is what the fixed packages cost.
import { defaultFetch } from './built';
import { FORM, MODEL, rawInputs, readTgiEvents, RawResult, streamBody } from './raw-client';

const ok = async (step: string, response: Response): Promise<string> => {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`stack ${step}: ${response.status} ${text}`);
  return text;
};

// node-fetch's body is a Node Readable of Buffers; the bench's answers are ASCII, so no character
// is split between two of them.
async function* texts(body: AsyncIterable<Buffer>): AsyncIterable<string> {
  for await (const chunk of body) yield chunk.toString('utf8');
}

/** A session of the default stack: its fetch, whose cookie jar holds the settled cookie. */
export interface StackSession {
  readonly fetch: ReturnType<typeof defaultFetch.withCookieJar>;
}

/** GET / and POST /settings through a fresh default fetch (and cookie jar). */
export const stackOpenSession = async (baseUrl: string): Promise<StackSession> => {
  const fetch = defaultFetch.withCookieJar();
  const origin = new URL(baseUrl).origin;
  await ok('session', await fetch(`${baseUrl}/`, { headers: { accept: 'text/html' } }));
  await ok(
    'settings',
    await fetch(`${baseUrl}/settings`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        referer: `${origin}/`,
      },
      body: FORM,
    }),
  );
  return { fetch };
};

/**
 * One completion of `tokens` tokens through the default fetch stack: on a fresh session (four
 * requests) unless `session` is given (two).
 */
export const stackCompletion = async (
  baseUrl: string,
  tokens: number,
  session?: StackSession,
): Promise<RawResult> => {
  const started = performance.now();
  const { fetch } = session ?? (await stackOpenSession(baseUrl));
  const { conversationId } = JSON.parse(
    await ok(
      'conversation',
      await fetch(`${baseUrl}/conversation`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL }),
      }),
    ),
  ) as { conversationId: string };
  const stream = await fetch(`${baseUrl}/conversation/${conversationId}`, {
    method: 'POST',
    headers: { accept: 'text/event-stream,application/json', 'content-type': 'application/json' },
    body: streamBody(rawInputs(tokens)),
  });
  if (stream.status !== 200) throw new Error(`stack stream: ${stream.status}`);
  return readTgiEvents(texts(stream.body as unknown as AsyncIterable<Buffer>), started);
};
