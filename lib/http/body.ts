/** A response body as an async sequence of byte chunks, with a way to stop it early. */
export interface BodyReader {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Releases the body (destroys a Node stream, cancels a WHATWG one); safe to call twice. */
  cancel(): void;
}

type NodeReadable = AsyncIterable<Uint8Array> & {
  destroy(error?: Error): void;
  on(event: 'error', listener: () => void): unknown;
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
  };
};

/** Reads `body` (a Node Readable or a WHATWG `ReadableStream`) chunk by chunk. */
export const readBody = (body: unknown): BodyReader => {
  if (isWebStream(body)) return fromWebStream(body);
  if (isNodeReadable(body)) {
    // node-fetch reports an abort by emitting 'error' on the body, whether or not anyone still
    // reads it: without a listener that would crash the process.
    body.on('error', () => undefined);
    return { chunks: body, cancel: () => body.destroy() };
  }
  if (body == null) return { chunks: (async function* () {})(), cancel: () => undefined };
  throw new TypeError('response body is neither a Node Readable nor a ReadableStream');
};

/**
 * The body as text, keeping at most `maxChars` characters (the rest is read and dropped, so
 * the connection can be reused).
 */
export const readText = async (
  { chunks, cancel }: BodyReader,
  maxChars = Infinity,
): Promise<string> => {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of chunks) {
      if (text.length < maxChars) text += decoder.decode(chunk, { stream: true });
    }
    if (text.length < maxChars) text += decoder.decode();
  } finally {
    cancel();
  }
  return text.length > maxChars ? text.slice(0, maxChars) : text;
};

/** Reads an (empty) answer to its end, so that the connection goes back to the pool. */
export const drain = ({ body }: { body: BodyReader }): Promise<void> =>
  readText(body, 0).then(() => undefined);
