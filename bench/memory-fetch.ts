// A fetch that answers the four requests of a dialect-h2o completion from memory: no socket,
// no cookie jar, no node-fetch; what is left of a completion is the library's own layers.
import { Readable } from 'node:stream';
import type { FetchLike } from '../lib';

const cookie = 'hf-chat=6b0f68c4-5c2a-9bec-be07-63f5aaaaaaaa; Path=/; HttpOnly; SameSite=Lax';

// What a TGI stream of `tokens` tokens sends, ending in the end token and the final event.
const tgiStream = (tokens: number): Buffer => {
  const event = (token: object, final: string | null) =>
    `data:${JSON.stringify({ token, generated_text: final, details: null })}\n\n`;
  const words = Array.from({ length: tokens }, (_, id) =>
    event({ id, text: ` w${id}`, logprob: -0.1, special: false }, null),
  );
  return Buffer.from(
    words.join('') + event({ id: 2, text: '<|endoftext|>', logprob: 0, special: true }, 'x'),
  );
};

// As a socket hands a long body over: in chunks of at most 64 KiB.
const CHUNK = 64 * 1024;
const chunksOf = (bytes: Buffer): Buffer[] =>
  Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, i) =>
    bytes.subarray(i * CHUNK, (i + 1) * CHUNK),
  );

// A response as a fetch gives it in Node: status, headers, and the body as a Node Readable.
const answer = (type: string, chunks: Buffer[]): Response =>
  ({
    status: 200,
    headers: new Headers({ 'content-type': type, 'set-cookie': cookie }),
    body: Readable.from(chunks),
  }) as unknown as Response;

const small = (text: string) => [Buffer.from(text)];

/** A fetch whose stream request answers `tokens` tokens, the others as the 2023 server does. */
export const memoryFetch = (tokens: number): FetchLike => {
  const stream = chunksOf(tgiStream(tokens));
  return async (input) => {
    const path = new URL(String(input)).pathname;
    if (path === '/') return answer('text/html', small('<html>chat</html>'));
    if (path === '/settings') return answer('application/json', small('{"type":"success"}'));
    if (path === '/conversation') {
      return answer('application/json', small('{"conversationId":"6b0f68c45c2a9becbe0763f5"}'));
    }
    return answer('text/event-stream', stream);
  };
};

// The real server's POST /conversation answer (transcripts-chat-ui/01c): the conversation as a
// superjson string, its root message the first user message's parent.
const chatUiConversation = JSON.stringify({
  conversationId: '6b057ada194d442402c5f4c1',
  conversation: JSON.stringify({
    json: { rootMessageId: '6970bde3-b0b5-403b-8cc7-514a17f2490b', messages: [] },
    meta: { values: {}, v: 1 },
  }),
});

// The server pads every token with U+0000 to 16 UTF-16 units (transcripts-chat-ui/01e).
const padded = (text: string) => text + '\u0000'.repeat(Math.max(0, 16 - text.length));

// What today's chat-ui streams for `tokens` tokens: started, then the tokens with a keep-alive
// after every `keepAliveEvery`-th (0: none), then the final answer and finished.
const chatUiStream = (tokens: number, keepAliveEvery: number): Buffer => {
  const line = (update: object) => `${JSON.stringify(update)}\n`;
  const keepAlive = line({ type: 'status', status: 'keepAlive' });
  const parts = [line({ type: 'status', status: 'started' })];
  for (let id = 0; id < tokens; id++) {
    parts.push(line({ type: 'stream', token: padded(` w${id}`) }));
    if (keepAliveEvery > 0 && (id + 1) % keepAliveEvery === 0) parts.push(keepAlive);
  }
  parts.push(line({ type: 'finalAnswer', text: 'x', interrupted: false }));
  parts.push(line({ type: 'status', status: 'finished' }));
  return Buffer.from(parts.join(''));
};

/**
 * A fetch that answers a dialect-chat-ui completion (POST /conversation, then its stream of
 * `tokens` tokens, a keep-alive after every `keepAliveEvery`-th) from memory.
 */
export const chatUiMemoryFetch = (tokens: number, keepAliveEvery = 0): FetchLike => {
  const stream = chunksOf(chatUiStream(tokens, keepAliveEvery));
  return async (input) => {
    const path = new URL(String(input)).pathname;
    if (path === '/conversation') return answer('application/json', small(chatUiConversation));
    if (/^\/conversation\/[0-9a-f]{24}$/.test(path)) return answer('application/jsonl', stream);
    throw new Error(`chatUiMemoryFetch: no answer for ${path}`);
  };
};
