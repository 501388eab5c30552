import type { Observable, Subscription } from 'rxjs';
import type { CompletionEvent } from '../index';
import type { Values } from './args';
import { answerPrinter, asideTarget, type Writes } from './aside';
import { describe, errorEvent, reportError } from './output';
import { progressLine } from './progress';
import { cancelAnswer } from './stop-wait';

/** The exit status after each signal that cancels an answer: 128 + its number. */
export const signalStatus = { SIGINT: 130, SIGTERM: 143 } as const;
type CancelSignal = keyof typeof signalStatus;

/**
 * Streams `events$` to stdout until it ends (the answer's text; with `--json` every event, one
 * JSON line each; reasoning and tool calls where {@link asideTarget} says), and resolves to
 * the exit status. A closed stdout
 * (`| head`) unsubscribes (which aborts the request and stops the generation) and exits 0.
 * SIGINT or SIGTERM unsubscribes too, waits at most 2 s for the stop-generating request to be
 * answered, and resolves to 130 or 143; a second signal resolves at once.
 */
export const streamAnswer = (
  events$: Observable<CompletionEvent>,
  values: Values,
): Promise<number> => {
  const json = values.json === true;
  const quiet = json || values.quiet === true;
  const progress = progressLine(process.stderr, !quiet && process.stderr.isTTY === true);
  const printer = answerPrinter({
    ...(quiet ? { aside: 'none', dim: false } : asideTarget(process.stdout, process.stderr)),
    wholeAnswer: values['no-stream'] === true,
  });
  return new Promise<number>((resolve) => {
    let stdoutClosed = false;
    let ended = false;
    let cancelling = false;
    let tokens = 0;
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      process.stdout.off('error', onStdoutError);
      for (const signal of Object.keys(signalStatus)) process.off(signal, onSignal);
      resolve(code);
    };
    const out = (text: string) => {
      if (stdoutClosed || text === '') return;
      process.stdout.write(text);
    };
    const write = ({ out: text, err }: Writes) => {
      out(text);
      if (err !== '') process.stderr.write(err);
    };
    const endLine = () => {
      if (!json) write(printer.end());
    };
    // Unsubscribes, then resolves to `code` once the server heard the stop (at most 2 s).
    const cancel = (code: number) => {
      cancelling = true;
      void cancelAnswer(subscription).then(() => finish(code));
    };
    const onStdoutError = (err: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      if (err.code !== 'EPIPE') {
        progress.close();
        process.stderr.write(`h2o-rx: stdout: ${err.message}\n`);
      }
      if (!cancelling) cancel(err.code === 'EPIPE' ? 0 : 1);
    };
    const onSignal = (signal: CancelSignal) => {
      const code = signalStatus[signal];
      if (cancelling) return finish(code);
      endLine();
      progress.close();
      cancel(code);
    };
    process.stdout.on('error', onStdoutError);
    for (const signal of Object.keys(signalStatus)) process.on(signal, onSignal);
    const subscription: Subscription = events$.subscribe({
      next: (event) => {
        if (event.type === 'token') tokens++;
        if (json) return out(`${JSON.stringify(event)}\n`);
        progress.step(event);
        write(printer.event(event));
      },
      error: (err: unknown) => {
        endLine();
        progress.close();
        reportError(describe(err), json ? errorEvent(err) : undefined);
        finish(1);
      },
      complete: () => {
        endLine();
        progress.done(tokens);
        finish(0);
      },
    });
    if (ended) subscription.unsubscribe();
  });
};
