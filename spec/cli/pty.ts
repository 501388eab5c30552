// Runs the h2o-rx command on a pseudo-terminal, under util-linux `script`, for the chat specs:
// the command sees a terminal on stdin and stdout (raw mode, Ctrl-C as a key), the spec types
// into script's stdin and reads the screen from its stdout.
import { spawn } from 'node:child_process';
import { env, nodeArgs, repo } from './command';

/** A command running on a pseudo-terminal. */
export interface Pty {
  /** Everything written to the terminal so far, without escape sequences and carriage returns. */
  screen(): string;
  /** Sends keys: `\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D. */
  type(keys: string): void;
  /**
   * Resolves once the screen, from index `from` on, matches `pattern`, with the index just past
   * the match; rejects when the command exits first or after `timeoutMs`.
   */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<number>;
  /** The command's exit status. */
  readonly exited: Promise<number | null>;
  /** Ends it (SIGKILL), if it still runs. */
  kill(): void;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

// CSI sequences (cursor moves, line clearing) that readline draws its prompt with.
// eslint-disable-next-line no-control-regex -- ESC is what the sequences begin with
const escapes = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Starts `h2o-rx ARGS` on a pseudo-terminal. */
export const startInPty = (args: string[]): Pty => {
  const command = [process.execPath, ...nodeArgs, ...args].map(quote).join(' ');
  // -e: script exits with the command's status; -f: flushes each write at once.
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: repo,
    env: { ...env, TERM: 'xterm-256color', COLUMNS: '200', LINES: '50' },
  });
  let raw = '';
  let running = true;
  const watchers = new Set<() => void>();
  const screen = () => raw.replace(escapes, '').replace(/\r/g, '');
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on('close', (status) => {
      running = false;
      for (const watcher of watchers) watcher();
      done(status);
    }),
  );
  return {
    screen,
    type: (keys) => void child.stdin.write(keys),
    waitFor: (pattern, from = 0, timeoutMs = 30_000) =>
      new Promise<number>((done, fail) => {
        const check = () => {
          const rest = screen().slice(from);
          const match = pattern.exec(rest);
          if (match) return finish(() => done(from + match.index + match[0].length));
          if (!running) finish(() => fail(new Error(`exited before ${pattern}:\n${screen()}`)));
        };
        const timer = setTimeout(
          () => finish(() => fail(new Error(`no ${pattern} in ${timeoutMs} ms:\n${screen()}`))),
          timeoutMs,
        );
        const finish = (then: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          then();
        };
        watchers.add(check);
        check();
      }),
    exited,
    kill: () => {
      if (running) child.kill('SIGKILL');
    },
  };
};
