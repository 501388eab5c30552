/** What one line typed in `h2o-rx chat` asks for. */
export type ChatInput =
  | { kind: 'ask'; text: string }
  | { kind: 'retry' }
  | { kind: 'new' }
  | { kind: 'exit' }
  | { kind: 'help' }
  | { kind: 'blank' }
  | { kind: 'unknown'; command: string };

const commands = {
  '/retry': { kind: 'retry' },
  '/new': { kind: 'new' },
  '/exit': { kind: 'exit' },
  '/help': { kind: 'help' },
} as const satisfies Record<string, ChatInput>;

/** The commands and what they do, as `/help` and `--help` list them. */
export const chatCommands = `  /retry                      a new answer to the last message
  /new                        start a new conversation
  /exit or Ctrl-D             end the session
  Ctrl-C                      stop the answer being written (stop-generating is sent)`;

const isCommand = (word: string): word is keyof typeof commands => Object.hasOwn(commands, word);

/**
 * Reads a line: a known command alone on it, a blank line, or a message. A line that starts
 * with `/` but names no command is an unknown command, not a message, so that a typo such as
 * `/rety` never reaches the model; `//text` sends `/text`.
 */
export const parseChatLine = (line: string): ChatInput => {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'blank' };
  if (trimmed.startsWith('//')) return { kind: 'ask', text: trimmed.slice(1) };
  if (!trimmed.startsWith('/')) return { kind: 'ask', text: trimmed };
  return isCommand(trimmed) ? commands[trimmed] : { kind: 'unknown', command: trimmed };
};
