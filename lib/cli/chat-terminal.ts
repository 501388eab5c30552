import { createInterface } from 'node:readline';
import { type Observable, Subject } from 'rxjs';

/** The terminal side of `h2o-rx chat`: the lines typed, Ctrl-C and SIGTERM, what is written. */
export interface ChatTerminal {
  /** Input and output are a terminal: a prompt, line editing, Ctrl-C read as a key. */
  readonly interactive: boolean;
  /** Each line typed (or read from a pipe); completes at Ctrl-D, the end of input or `endInput`. */
  readonly lines$: Observable<string>;
  /** Ctrl-C: the key on a terminal, SIGINT otherwise (also after the input ended). */
  readonly interrupts$: Observable<void>;
  /** SIGTERM. */
  readonly terminations$: Observable<void>;
  /** Shows the prompt (on a terminal). */
  prompt(): void;
  /** Drops the line being typed and shows the prompt again (Ctrl-C with no answer to stop). */
  discardLine(hint: string): void;
  /** Answer text, to stdout. */
  write(text: string): void;
  /** Text beside the answer (reasoning, tool calls, when stdout is not a terminal), to stderr. */
  writeError(text: string): void;
  /** A line about the session (notes, errors), to stderr. */
  note(text: string): void;
  /** Stops reading input: `lines$` completes once the lines already read are delivered. */
  endInput(): void;
  /** Stops listening for signals; SIGINT and SIGTERM act as usual again. */
  close(): void;
}

/** Opens the chat's terminal on the process's stdin, stdout and stderr. */
export const openTerminal = (): ChatTerminal => {
  const { stdin, stdout, stderr } = process;
  const interactive = stdin.isTTY === true && stdout.isTTY === true;
  const lines = new Subject<string>();
  const interrupts = new Subject<void>();
  const terminations = new Subject<void>();
  // Input closed at Ctrl-D leaves the cursor after the prompt: the shell's prompt needs a line.
  let closedByUs = false;
  let inputEnded = false;
  const rl = createInterface({ input: stdin, output: stdout, terminal: interactive, prompt: '> ' });
  rl.on('line', (line) => lines.next(line));
  rl.on('close', () => {
    if (interactive && !closedByUs) stdout.write('\n');
    inputEnded = true;
    lines.complete();
  });
  // In raw mode Ctrl-C is a key that readline reports; a SIGINT comes from elsewhere (a pipe's
  // terminal, kill, or the terminal once readline has let go of it at Ctrl-D).
  const interrupt = () => interrupts.next();
  const terminate = () => terminations.next();
  rl.on('SIGINT', interrupt);
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', terminate);
  return {
    interactive,
    lines$: lines.asObservable(),
    interrupts$: interrupts.asObservable(),
    terminations$: terminations.asObservable(),
    prompt: () => {
      if (interactive && !inputEnded) rl.prompt();
    },
    discardLine: (hint) => {
      // End of line, then delete to its start: readline's own Ctrl-E, Ctrl-U.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      stdout.write('^C\n');
      stderr.write(`${hint}\n`);
      rl.prompt();
    },
    write: (text) => {
      if (text !== '') stdout.write(text);
    },
    writeError: (text) => {
      if (text !== '') stderr.write(text);
    },
    note: (text) => {
      stderr.write(`${text}\n`);
    },
    endInput: () => {
      closedByUs = true;
      rl.close();
    },
    close: () => {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', terminate);
      closedByUs = true;
      rl.close();
    },
  };
};
