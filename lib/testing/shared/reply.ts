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

/** The tokens of the answer to `prompt`, from the `reply` option or the default. */
export const answerTokens = (
  reply: ((prompt: string, params: Record<string, unknown>) => string | string[]) | undefined,
  prompt: string,
  params: Record<string, unknown>,
): string[] => {
  const answer = reply ? reply(prompt, params) : defaultReply(prompt);
  return Array.isArray(answer) ? answer.map(String) : splitTokens(String(answer));
};
