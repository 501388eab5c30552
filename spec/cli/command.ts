// Runs the h2o-rx command (lib/cli/main.ts under tsx) as a child process, for the CLI specs.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository root: the command's working directory. */
export const repo = resolve(__dirname, '../..');
/** Node's arguments that run the command from source. */
export const nodeArgs = ['--import', 'tsx', join(repo, 'lib/cli/main.ts')];
/** The environment the command runs in: no colours. */
export const env = { ...process.env, NO_COLOR: '1' };

/** What a finished command left. */
export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process, whose event loop serves the emulators. */
export const exec = (
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Result> =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: repo, env: options.env ?? env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });

/** Runs `h2o-rx ARGS` with `input` on its stdin. */
export const run = (args: string[], input?: string) =>
  exec(process.execPath, [...nodeArgs, ...args], { input });

/** A word quoted for sh. */
export const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripAnsi = (s: string) => s.replace(ansi, '');

/** Runs `command` under a pseudo-terminal (script(1)); returns what the terminal showed. */
export const underPty = async (
  command: string,
  extraEnv: NodeJS.ProcessEnv = { NO_COLOR: '1' },
) => {
  // An undefined value removes the variable (Node would pass the string "undefined").
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...extraEnv }).filter(([, v]) => v !== undefined),
  );
  const result = await exec('script', ['-qefc', command, '/dev/null'], { env });
  return {
    status: result.status,
    raw: result.stdout,
    screen: stripAnsi(result.stdout).replace(/\r\n/g, '\n'),
  };
};

/** The sh command line that runs `h2o-rx ARGS`. */
export const cliCommand = (args: string[]) =>
  [process.execPath, ...nodeArgs, ...args].map(quote).join(' ');
