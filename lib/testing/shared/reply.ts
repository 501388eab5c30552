import type { EmulatorFault, EmulatorOptions } from '../types';

// Whitespace rides with the word after it (" world") and punctuation stands alone, like the
// tokens a TGI model streams; the pieces always join back to the whole text.
const tokenPattern = /\s*(?:[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_])|\s+/gu;

/** Splits an answer into word tokens that join back to it exactly. */
export const splitTokens = (text: string): string[] => text.match(tokenPattern) ?? [];

/** The answer when no `reply` option is given: short, and derived from the prompt. */
export const defaultReply = (prompt: string): string => {
  const lines = prompt
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'assistant:');
  const userLines = lines.filter((line) => line.startsWith('user:'));
  const last =
    userLines.length > 0 ? userLines[userLines.length - 1].slice('user:'.length) : lines.pop();
  return `Hello! You said: ${(last ?? '').trim()}`;
};

/** The `reply` option. */
export type Reply = NonNullable<EmulatorOptions['reply']>;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The tokens of an answer as `reply` yields them: each iteration goes from the first token,
 * those already yielded at once and each later one as it comes, so a stream is paced by the
 * reply itself (and a dropped backend's retry can send them again).
 */
export interface TokenFeed extends AsyncIterable<string> {
  /** Every token, once the reply has ended. */
  all(): Promise<string[]>;
  /** The message of what the reply threw while yielding, once iteration has met it. */
  failure(): string | undefined;
}

/** A {@link TokenFeed} of `source`: tokens known now, or a reply's async iterable. */
export const tokenFeed = (source: readonly string[] | AsyncIterable<unknown>): TokenFeed => {
  const got: string[] = [];
  let ended = false;
  let failure: string | undefined;
  let pulling: Promise<void> | undefined;
  const iterator = isAsyncIterable(source) ? source[Symbol.asyncIterator]() : undefined;
  if (!iterator) {
    got.push(...(source as readonly string[]));
    ended = true;
  }
  // One pull at a time, shared by every iteration waiting for the same next token.
  const pull = () =>
    (pulling ??= iterator!
      .next()
      .then(
        (step) => {
          if (step.done) ended = true;
          else got.push(String(step.value));
        },
        (error: unknown) => {
          ended = true;
          failure = messageOf(error);
        },
      )
      .finally(() => (pulling = undefined)));
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; ; i += 1) {
        while (i >= got.length && !ended) await pull();
        if (i >= got.length) return;
        yield got[i];
      }
    },
    all: async () => {
      while (!ended) await pull();
      return got;
    },
    failure: () => failure,
  };
};

/** The tokens of the answer to `prompt`, from the `reply` option or the default. */
export const answerTokens = async (
  reply: Reply | undefined,
  prompt: string,
  params: Record<string, unknown>,
): Promise<TokenFeed> => {
  const answer = reply ? await reply(prompt, params) : defaultReply(prompt);
  if (isAsyncIterable(answer)) return tokenFeed(answer);
  return tokenFeed(Array.isArray(answer) ? answer.map(String) : splitTokens(String(answer)));
};

/** What a stream sends: the answer's tokens, and the fault it ends with, if any. */
export interface PlannedAnswer {
  tokens: TokenFeed;
  fault?: EmulatorFault;
  /** `reply` threw: the fault is its error, sent before any token. */
  replyFailed: boolean;
}

/**
 * The answer to send, or, when `reply` throws, an in-band error with its message: a bug in a
 * test's `reply` then shows in the test as that message, not as a bare 500. (An async
 * iterable that throws midway ends its feed with a `failure`, sent in-band after its tokens.)
 */
export const planAnswer = async (
  reply: Reply | undefined,
  prompt: string,
  params: Record<string, unknown>,
  fault: EmulatorFault | undefined,
): Promise<PlannedAnswer> => {
  try {
    return { tokens: await answerTokens(reply, prompt, params), fault, replyFailed: false };
  } catch (error) {
    return {
      tokens: tokenFeed([]),
      fault: { step: 'stream', kind: 'error-event', afterTokens: 0, message: messageOf(error) },
      replyFailed: true,
    };
  }
};
