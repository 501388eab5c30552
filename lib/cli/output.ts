import { H2oError } from '../index';

const firstLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0];

// Some library messages already begin with their step ("stream: network error: …"); the
// line names the step in parentheses, so once is enough.
const withoutStep = (message: string, step: string) =>
  message.startsWith(`${step}: `) ? message.slice(step.length + 2) : message;

/** An error as the one line the command prints on stderr (after `h2o-rx: `). */
export const describe = (err: unknown): string => {
  const message = firstLine(err);
  if (err instanceof H2oError)
    return `${err.name} (${err.step}): ${withoutStep(message, err.step)}`;
  if (err instanceof Error && err.name !== 'Error') return `${err.name}: ${message}`;
  return message;
};

// The public fields of the library's errors worth a script's attention (not bodies or causes).
const extraFields = ['status', 'url', 'retryAfterMs', 'reason', 'detail', 'errorType'] as const;

/** An error as `--json` prints it: `{"type":"error","name","message","step",…}`. */
export const errorEvent = (err: unknown): Record<string, unknown> => {
  const message = firstLine(err);
  const name = err instanceof Error ? err.name : 'Error';
  if (!(err instanceof H2oError)) return { type: 'error', name, message };
  const event: Record<string, unknown> = {
    type: 'error',
    name,
    message: withoutStep(message, err.step),
    step: err.step,
  };
  for (const field of extraFields) {
    const value = (err as unknown as Record<string, unknown>)[field];
    if (value !== undefined) event[field] = value;
  }
  return event;
};

/** Prints a failure: one line on stderr, and with `--json` one error line on stdout too. */
export const reportError = (message: string, json: Record<string, unknown> | undefined): void => {
  if (json) writeStdout(`${JSON.stringify(json)}\n`);
  process.stderr.write(`h2o-rx: ${message}\n`);
};

/** Writes to stdout unless it has gone away (`| head`); EPIPE is handled by the caller. */
export const writeStdout = (text: string): void => {
  if (text === '' || process.stdout.destroyed || !process.stdout.writable) return;
  process.stdout.write(text);
};
