// The bench's answers: the prompt names how many tokens it wants (`tokens:N`), so one
// emulator serves every case. Word-like tokens of 2-5 characters, cached per length.
const cache = new Map<number, string[]>();

/** The tokens of an answer of `count` tokens. */
export const benchTokens = (count: number): string[] => {
  let tokens = cache.get(count);
  if (!tokens) {
    tokens = Array.from({ length: count }, (_, i) => ` w${i % 1000}`);
    cache.set(count, tokens);
  }
  return tokens;
};

/** The prompt content that asks for `count` tokens. */
export const askFor = (count: number): string => `tokens:${count}`;

/** The emulator's `reply` option for the bench. */
export const benchReply = (prompt: string): string[] => {
  const match = /tokens:(\d+)/.exec(prompt);
  return benchTokens(match ? Number(match[1]) : 20);
};
