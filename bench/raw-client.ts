// The floor: a hand-written node:http client doing the same four requests as completion$
// (PROTOCOL.md 1.1) on a keep-alive Agent. `parse` splits lines and JSON.parses each `data:`
// event; `drain` only counts the stream's line breaks.
import * as http from 'node:http';
import { askFor } from './reply';

// Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout can close one
// just as it is reused (ECONNRESET).
const agent = new http.Agent({ keepAlive: true, timeout: 4000 });

export const MODEL = 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1';
export const FORM =
  'ethicsModalAccepted=true&shareConversationsWithModelAuthors=true&ethicsModalAcceptedAt=' +
  `&activeModel=${encodeURIComponent(MODEL)}&searchEnabled=true`;

/** What the raw client reports of one completion. */
export interface RawResult {
  /** Tokens seen (`parse`) or lines counted (`drain`). */
  count: number;
  /** Request start → first token (`parse`) or first body byte of the stream (`drain`), ms. */
  firstMs: number;
}

interface Reply {
  status: number;
  cookie?: string;
  body: string;
}

const cookieOf = (res: http.IncomingMessage): string | undefined => {
  for (const header of res.headers['set-cookie'] ?? []) {
    const pair = header.split(';', 1)[0];
    if (pair.startsWith('hf-chat=')) return pair;
  }
  return undefined;
};

const request = (
  base: URL,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: string,
): Promise<http.IncomingMessage> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method, path, headers },
      resolve,
    );
    req.on('error', reject);
    req.end(body);
  });

const text = async (
  base: URL,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: string,
): Promise<Reply> => {
  const res = await request(base, method, path, headers, body);
  res.setEncoding('utf8');
  let all = '';
  for await (const chunk of res) all += chunk as string;
  return { status: res.statusCode ?? 0, cookie: cookieOf(res), body: all };
};

const check = (step: string, reply: Reply, ok: number) => {
  if (reply.status !== ok) throw new Error(`raw ${step}: ${reply.status} ${reply.body}`);
};

/** A raw session: the server and the cookie that GET / minted and POST /settings accepted. */
export interface RawSession {
  readonly base: URL;
  readonly cookie: string;
}

/** GET / and POST /settings: a session whose cookie has accepted the welcome modal. */
export const rawOpenSession = async (baseUrl: string): Promise<RawSession> => {
  const base = new URL(baseUrl);
  const session = await text(base, 'GET', '/', { accept: 'text/html' });
  check('session', session, 200);
  const cookie = session.cookie ?? '';
  const settings = await text(
    base,
    'POST',
    '/settings',
    {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      referer: `${base.origin}/`,
      cookie,
    },
    FORM,
  );
  check('settings', settings, 200);
  return { base, cookie };
};

/** POST /conversation: a new conversation's id. */
const rawConversation = async ({ base, cookie }: RawSession): Promise<string> => {
  const conversation = await text(
    base,
    'POST',
    '/conversation',
    { accept: 'application/json', 'content-type': 'application/json', cookie },
    JSON.stringify({ model: MODEL }),
  );
  check('conversation', conversation, 200);
  return (JSON.parse(conversation.body) as { conversationId: string }).conversationId;
};

/** The `inputs` completion$ sends for the bench prompt asking for `tokens` tokens. */
export const rawInputs = (tokens: number): string => `user: ${askFor(tokens)}\nassistant:`;

export const streamBody = (inputs: string) =>
  JSON.stringify({
    inputs,
    parameters: {
      temperature: 0.4,
      truncate: 2048,
      max_new_tokens: 1_000_000,
      do_sample: true,
      repetition_penalty: 1.2,
      return_full_text: false,
    },
    stream: true,
    options: {
      id: crypto.randomUUID(),
      response_id: crypto.randomUUID(),
      is_retry: false,
      use_cache: false,
      web_search_id: '',
    },
  });

type TgiEvent = {
  token?: { text?: string; special?: boolean } | null;
  generated_text?: string | null;
  error?: unknown;
};

/**
 * One whole completion the raw way: four requests (two on an open `session`), then the
 * stream read in `mode`. `onToken` sees every token text in `parse` mode.
 */
export const rawCompletion = async (
  baseUrl: string,
  inputs: string,
  mode: 'parse' | 'drain',
  options: { session?: RawSession; onToken?: (text: string) => void } = {},
): Promise<RawResult> => {
  const started = performance.now();
  const session = options.session ?? (await rawOpenSession(baseUrl));
  const conversationId = await rawConversation(session);
  const res = await request(
    session.base,
    'POST',
    `/conversation/${conversationId}`,
    {
      accept: 'text/event-stream, application/json',
      'content-type': 'application/json',
      cookie: session.cookie,
    },
    streamBody(inputs),
  );
  if (res.statusCode !== 200) throw new Error(`raw stream: ${res.statusCode}`);
  let count = 0;
  let firstMs = -1;
  if (mode === 'drain') {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (firstMs < 0) firstMs = performance.now() - started;
      let at = chunk.indexOf(10);
      while (at !== -1) {
        count++;
        at = chunk.indexOf(10, at + 1);
      }
    }
    return { count, firstMs };
  }
  res.setEncoding('utf8');
  return readTgiEvents(res as AsyncIterable<string>, started, options.onToken);
};

/**
 * Reads a TGI event stream as the raw client does: lines split by hand, each `data:` event
 * `JSON.parse`d, to the final event. Shared by the raw and the default-stack clients.
 */
export const readTgiEvents = async (
  chunks: AsyncIterable<string>,
  started: number,
  onToken?: (text: string) => void,
): Promise<RawResult> => {
  let count = 0;
  let firstMs = -1;
  let tail = '';
  let done = false;
  for await (const chunk of chunks) {
    const data = tail === '' ? chunk : tail + chunk;
    let start = 0;
    let end = data.indexOf('\n');
    while (end !== -1) {
      if (data.startsWith('data:', start)) {
        const event = JSON.parse(data.slice(start + 5, end)) as TgiEvent;
        if (event.error) throw new Error(`raw stream: ${JSON.stringify(event.error)}`);
        const token = event.token;
        if (token && !token.special && token.text) {
          if (firstMs < 0) firstMs = performance.now() - started;
          count++;
          onToken?.(token.text);
        }
        if (typeof event.generated_text === 'string') done = true;
      }
      start = end + 1;
      end = data.indexOf('\n', start);
    }
    tail = data.slice(start);
  }
  if (!done) throw new Error('raw stream: ended without its final event');
  return { count, firstMs };
};
