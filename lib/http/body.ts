import { H2oNetworkError, H2oProtocolError, H2oStep } from '../errors';

/** A response body as an async sequence of byte chunks, with a way to stop it early. */
export interface BodyReader {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Releases the body (destroys a Node stream, cancels a WHATWG one); safe to call twice. */
  cancel(): void;
  /**
   * True once every byte of the body has come off the network (known of a Node stream only):
   * whatever is still unread is in memory, and the connection no longer carries it.
   */
  arrived(): boolean;
}

type NodeReadable = AsyncIterable<Uint8Array> & {
  destroy(error?: Error): void;
  on(event: 'error', listener: () => void): unknown;
  readonly readableEnded?: boolean;
  /** node-fetch's body is a PassThrough: its writing side ends when the response has. */
  readonly writableEnded?: boolean;
};

const isNodeReadable = (body: unknown): body is NodeReadable =>
  typeof (body as NodeReadable | null)?.destroy === 'function' &&
  typeof (body as NodeReadable)[Symbol.asyncIterator] === 'function';

const isWebStream = (body: unknown): body is ReadableStream<Uint8Array> =>
  typeof (body as ReadableStream | null)?.getReader === 'function';

// Browsers and native fetch give a WHATWG stream; node-fetch v2 (cross-fetch in Node) gives a
// Node Readable. Both are read the same way here, and both can be stopped.
const fromWebStream = (stream: ReadableStream<Uint8Array>): BodyReader => {
  const reader = stream.getReader();
  let cancelled = false;
  return {
    chunks: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      },
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      reader.cancel().catch(() => undefined);
    },
    arrived: () => false,
  };
};

// What the body's own iterator throws is the connection failing (reset, aborted mid-body).
// Not an async generator: this runs for every chunk of every body, and a generator's
// `yield*` adds a layer of promises per chunk.
const networkFailures = (
  chunks: AsyncIterable<Uint8Array>,
  step: H2oStep,
): AsyncIterable<Uint8Array> => ({
  [Symbol.asyncIterator]: () => {
    const inner = chunks[Symbol.asyncIterator]();
    const failed = (err: unknown): never => {
      throw new H2oNetworkError(step, err);
    };
    return {
      next: () => inner.next().then(undefined, failed),
      // A reader that stops early (`break`) releases the body as `yield*` would.
      return: () =>
        inner.return
          ? inner.return().then(undefined, failed)
          : Promise.resolve({ done: true as const, value: undefined }),
    };
  },
});

/**
 * Reads `body` (a Node Readable or a WHATWG `ReadableStream`) chunk by chunk; a failure to
 * read it is an {@link H2oNetworkError} of `step`, a body of any other type is
 * `unexpected-response`.
 */
export const readBody = (body: unknown, step: H2oStep): BodyReader => {
  if (isWebStream(body)) {
    const reader = fromWebStream(body);
    return { ...reader, chunks: networkFailures(reader.chunks, step) };
  }
  if (isNodeReadable(body)) {
    // node-fetch reports an abort by emitting 'error' on the body, whether or not anyone still
    // reads it: without a listener that would crash the process.
    body.on('error', () => undefined);
    return {
      chunks: networkFailures(body, step),
      cancel: () => body.destroy(),
      arrived: () => body.writableEnded === true || body.readableEnded === true,
    };
  }
  if (body == null) {
    return { chunks: (async function* () {})(), cancel: () => undefined, arrived: () => true };
  }
  throw new H2oProtocolError(
    step,
    'unexpected-response',
    `a response body of type ${typeof body}, neither a Node Readable nor a ReadableStream`,
  );
};

// Only ever asked for whole texts (no `stream`), so it holds no state between bodies.
const utf8 = new TextDecoder();

const joined = (parts: readonly Uint8Array[], bytes: number): Uint8Array => {
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
};

/**
 * The body as text, at most `maxChars` characters: reading stops there and the body is
 * cancelled, so that an endless body (an error page that never ends) costs no more.
 */
export const readText = async (
  { chunks, cancel }: BodyReader,
  maxChars = Infinity,
): Promise<string> => {
  // The bytes are kept and decoded once, by a decoder shared by every body: a decoder per
  // body costs more than a small answer's whole decoding. A UTF-8 text has no more UTF-16
  // units than bytes, so until `maxChars` bytes it cannot be too long.
  const parts: Uint8Array[] = [];
  let bytes = 0;
  let decoder: TextDecoder | undefined;
  let text = '';
  try {
    for await (const chunk of chunks) {
      if (decoder) text += decoder.decode(chunk, { stream: true });
      else {
        parts.push(chunk);
        bytes += chunk.length;
        if (bytes < maxChars) continue;
        // Long enough to be cut: from here, chunk by chunk as it comes.
        decoder = new TextDecoder();
        text = decoder.decode(joined(parts, bytes), { stream: true });
      }
      if (text.length >= maxChars) return text.slice(0, maxChars);
    }
    text = decoder ? text + decoder.decode() : utf8.decode(joined(parts, bytes));
  } finally {
    cancel();
  }
  return text.length > maxChars ? text.slice(0, maxChars) : text;
};

// Enough for any page or answer a step drains; past it, a fresh connection is cheaper.
const maxDrainBytes = 1024 * 1024;

/**
 * Reads a body that is not needed to its end, so that the connection goes back to the pool;
 * one over 1 MiB is cancelled instead.
 */
export const drainBody = async ({ chunks, cancel }: BodyReader): Promise<void> => {
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > maxDrainBytes) return;
    }
  } finally {
    cancel();
  }
};
