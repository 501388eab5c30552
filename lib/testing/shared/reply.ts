import type { EmulatorFault, EmulatorOptions } from '../types';

// Whitespace rides with the word after it (" world") and punctuation stands alone, like the
// tokens a TGI model streams; the pieces always join back to the whole text.
const tokenPattern = /\s*(?:[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_])|\s+/gu;

/** Splits an answer into word tokens that join back to it exactly. */
export const splitTokens = (text: string): string[] => text.match(tokenPattern) ?? [];

/** The answer when no `reply` option is given: short, and derived from the prompt. */
export const defaultReply = (prompt: string): string => {
  // A prompt in the h2o models' turns: only the last user turn is answered.
  const turns = prompt.split('<|prompt|>');
  const lastTurn = turns.length > 1 ? turns[turns.length - 1].split('<|endoftext|>')[0] : prompt;
  const lines = lastTurn
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

/** The tokens of the answer to `prompt`, from the `reply` option or the default. */
export const answerTokens = async (
  reply: Reply | undefined,
  prompt: string,
  params: Record<string, unknown>,
): Promise<string[]> => {
  const answer = reply ? await reply(prompt, params) : defaultReply(prompt);
  if (isAsyncIterable(answer)) {
    const tokens: string[] = [];
    for await (const token of answer) tokens.push(String(token));
    return tokens;
  }
  return Array.isArray(answer) ? answer.map(String) : splitTokens(String(answer));
};

/** What a stream sends: the answer's tokens, and the fault it ends with, if any. */
export interface PlannedAnswer {
  tokens: string[];
  fault?: EmulatorFault;
  /** `reply` threw: the fault is its error, sent before any token. */
  replyFailed: boolean;
}

/**
 * The answer to send, or, when `reply` throws, an in-band error with its message: a bug in a
 * test's `reply` then shows in the test as that message, not as a bare 500.
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
    const message = error instanceof Error ? error.message : String(error);
    return {
      tokens: [],
      fault: { step: 'stream', kind: 'error-event', afterTokens: 0, message },
      replyFailed: true,
    };
  }
};
