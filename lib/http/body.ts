import { H2oNetworkError, H2oProtocolError, H2oStep } from '../errors';

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

// What the body's own iterator throws is the connection failing (reset, aborted mid-body).
const networkFailures = (chunks: AsyncIterable<Uint8Array>, step: H2oStep) => ({
  async *[Symbol.asyncIterator]() {
    try {
      yield* chunks;
    } catch (err) {
      throw new H2oNetworkError(step, err);
    }
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
    return { chunks: networkFailures(reader.chunks, step), cancel: reader.cancel };
  }
  if (isNodeReadable(body)) {
    // node-fetch reports an abort by emitting 'error' on the body, whether or not anyone still
    // reads it: without a listener that would crash the process.
    body.on('error', () => undefined);
    return { chunks: networkFailures(body, step), cancel: () => body.destroy() };
  }
  if (body == null) return { chunks: (async function* () {})(), cancel: () => undefined };
  throw new H2oProtocolError(
    step,
    'unexpected-response',
    `a response body of type ${typeof body}, neither a Node Readable nor a ReadableStream`,
  );
};

/**
 * The body as text, at most `maxChars` characters: reading stops there and the body is
 * cancelled, so that an endless body (an error page that never ends) costs no more.
 */
export const readText = async (
  { chunks, cancel }: BodyReader,
  maxChars = Infinity,
): Promise<string> => {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of chunks) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length >= maxChars) return text.slice(0, maxChars);
    }
    text += decoder.decode();
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
