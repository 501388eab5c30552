import { catchError, defer, filter, Observable, reduce, throwError } from 'rxjs';
import { chatUiCompletion$ } from './dialects/chat-ui';
import { h2oCompletion$ } from './dialects/h2o';
import type { CompletionEvent } from './events';
import { explainHttpError } from './http/error-hints';
import { CompletionOptions, resolveCompletion } from './options';
import type { ModelId } from './models';
import type { Message } from './prompt';
import { takeUntilAborted } from './signal';
import { untilAnswered } from './steps/answer-end';

// Every event of the pipeline, tokens included, ending at the end token or the final event.
const pipeline$ = (
  model: string,
  messages: readonly Message[],
  options: CompletionOptions | undefined,
): Observable<CompletionEvent> =>
  defer(() => {
    const c = resolveCompletion(model, messages, options);
    const dialect$ = c.dialect === 'h2o' ? h2oCompletion$ : chatUiCompletion$;
    // `deleteAfter` is the stream step's, once the answer is whole: it holds nothing back.
    return dialect$(c).pipe(
      untilAnswered(c.endToken),
      catchError((err: unknown) => throwError(() => explainHttpError(c.dialect, err))),
    );
  });

const isStreamed = (options: CompletionOptions | undefined) =>
  !(typeof options === 'object' && options !== null && options.stream === false);

/**
 * Every event of a completion: each step's timing, each token with its metadata, and `done`
 * with the server's whole answer. With `{ stream: false }`, no token events. Cold, and
 * unsubscribing aborts whatever request is in flight.
 *
 * @example
 * completionEvents$('falcon-40b', [{ role: 'user', content: 'Hi' }], { baseUrl })
 *   .subscribe((e) => e.type === 'step' && console.log(e.step, e.ms));
 */
export const completionEvents$ = (
  model: ModelId,
  messages: readonly Message[],
  options?: CompletionOptions,
): Observable<CompletionEvent> => {
  const events$ = pipeline$(model, messages, options);
  const shaped$ = isStreamed(options) ? events$ : events$.pipe(filter((e) => e.type !== 'token'));
  return shaped$.pipe(takeUntilAborted(options?.signal));
};

// `filter` + `map` as one operator: it runs once per token, and rxjs's two layers cost 8–12 ns
// a token more (bench/operators.ts), about 1.5% of a token's whole cost (bench/ab.ts memory
// case, ~1.3 µs), on a path the answer's two takeWhiles already make 4–5% dearer.
const tokenTexts = (source: Observable<CompletionEvent>): Observable<string> =>
  new Observable<string>((subscriber) =>
    source.subscribe({
      next: (e) => {
        if (e.type === 'token') subscriber.next(e.text);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    }),
  );

// The server's final text when it sent one (`done` is the last event); the tokens joined when
// the end token cut it short.
const wholeText = (source: Observable<CompletionEvent>): Observable<string> =>
  source.pipe(
    reduce(
      (text: string, e) => (e.type === 'token' ? text + e.text : e.type === 'done' ? e.text : text),
      '',
    ),
  );

/**
 * Streams a chat completion: each token's text as it arrives, completing at the end token
 * or the server's final event. Cold: every subscription runs the whole handshake with its own
 * cookie jar (unless `options.session`); unsubscribing aborts the request in flight and, once
 * streaming, asks the server to stop generating. Errors are `H2oError`s.
 *
 * @example
 * completion$('falcon-40b', [{ role: 'user', content: 'Hello!' }], { baseUrl })
 *   .pipe(timeout({ first: 30_000, each: 10_000 }), h2oRetry({ count: 3 }))
 *   .subscribe((token) => process.stdout.write(token));
 */
export const completion$ = (
  model: ModelId,
  messages: readonly Message[],
  options?: CompletionOptions,
): Observable<string> => {
  const events$ = pipeline$(model, messages, options);
  const texts$ = isStreamed(options) ? tokenTexts(events$) : wholeText(events$);
  return texts$.pipe(takeUntilAborted(options?.signal));
};
