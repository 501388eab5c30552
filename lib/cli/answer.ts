import type { Observable, Subscription } from 'rxjs';
import type { CompletionEvent } from '../index';
import type { Values } from './args';
import { describe, errorEvent, reportError } from './output';
import { progressLine } from './progress';
import { watchStopRequests } from './stop-wait';

/** The exit status after each signal that cancels an answer: 128 + its number. */
export const signalStatus = { SIGINT: 130, SIGTERM: 143 } as const;
type CancelSignal = keyof typeof signalStatus;

/**
 * Streams `events$` to stdout until it ends; resolves to the exit status. A closed stdout
 * (`| head`) unsubscribes (which aborts the request and stops the generation) and exits 0.
 * SIGINT or SIGTERM unsubscribes too, waits at most 2 s for the stop-generating request to be
 * answered, and resolves to 130 or 143; a second signal resolves at once.
 */
export const streamAnswer = (
  events$: Observable<CompletionEvent>,
  values: Values,
): Promise<number> => {
  const json = values.json === true;
  const progress = progressLine(
    process.stderr,
    !json && !values.quiet && process.stderr.isTTY === true,
  );
  const stops = watchStopRequests();
  return new Promise<number>((resolve) => {
    let stdoutClosed = false;
    let ended = false;
    let cancelling = false;
    let streaming = false;
    let lastChar = '\n';
    let tokens = 0;
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      process.stdout.off('error', onStdoutError);
      for (const signal of Object.keys(signalStatus)) process.off(signal, onSignal);
      stops.close();
      resolve(code);
    };
    const out = (text: string) => {
      if (stdoutClosed || text === '') return;
      lastChar = text[text.length - 1];
      process.stdout.write(text);
    };
    const endLine = () => {
      if (!json && lastChar !== '\n') out('\n');
    };
    const onStdoutError = (err: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      // As for a signal: the stop is sent after a delay, on unref'd timers that would not keep
      // the process alive for it, so the exit waits (at most 2 s) until it was answered.
      const stopped = streaming ? stops.settled() : Promise.resolve();
      subscription.unsubscribe();
      if (err.code !== 'EPIPE') {
        progress.close();
        process.stderr.write(`h2o-rx: stdout: ${err.message}\n`);
      }
      void stopped.then(() => finish(err.code === 'EPIPE' ? 0 : 1));
    };
    const onSignal = (signal: CancelSignal) => {
      const code = signalStatus[signal];
      if (cancelling) return finish(code);
      cancelling = true;
      // Armed before the unsubscribe, so that a stop sent at once is counted too. No stop
      // is sent for an answer that never reached its stream step: nothing to wait for.
      const stopped = streaming ? stops.settled() : Promise.resolve();
      subscription.unsubscribe();
      endLine();
      progress.close();
      void stopped.then(() => finish(code));
    };
    process.stdout.on('error', onStdoutError);
    for (const signal of Object.keys(signalStatus)) process.on(signal, onSignal);
    const subscription: Subscription = events$.subscribe({
      next: (event) => {
        if (json) out(`${JSON.stringify(event)}\n`);
        progress.step(event);
        // A retried attempt starts its steps again: only the latest one's count.
        if (event.type === 'step') streaming = event.step === 'stream';
        if (event.type === 'token') tokens++;
        if (json) return;
        if (event.type === 'token') out(event.text);
        // --no-stream: the whole answer arrives once, as a done event's text.
        if (event.type === 'done' && values['no-stream']) out(event.text);
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
