import { asyncScheduler, MonoTypeOperatorFunction, Observable, SchedulerLike } from 'rxjs';
import type { TimeoutError } from 'rxjs';
import { H2oError, H2oHttpError, H2oNetworkError, H2oProtocolError } from './errors';

const retryableStatus = new Set([408, 425, 429, 500, 502, 503, 504]);

// chat-ui's anonymous-user quota: waiting does not help, logging in does.
const loginQuota = /Exceeded number of messages before login/i;

// By name, which rxjs's TimeoutError sets: an app can end up with its own copy of rxjs beside
// ours, whose class our `instanceof` would not know.
const isTimeout = (err: unknown) => err instanceof Error && err.name === 'TimeoutError';

/**
 * True when running the whole completion again may succeed: network failures, a stream that
 * stopped short, RxJS's `TimeoutError`, and HTTP 408, 425, 429, 500, 502, 503, 504.
 *
 * A type guard: where it is true, `err` is an `H2oError` or a `TimeoutError`. (Where it is
 * false, nothing is known: a 404 is an `H2oError` too.)
 *
 * @example
 * catchError((err) => {
 *   if (isRetryable(err)) return of(`try again (${err.name}: ${err.message})`);
 *   throw err;
 * });
 */
export const isRetryable = (err: unknown): err is H2oError | TimeoutError => {
  if (err instanceof H2oNetworkError || isTimeout(err)) return true;
  if (err instanceof H2oProtocolError) return err.reason === 'truncated';
  if (err instanceof H2oHttpError) {
    return retryableStatus.has(err.status) && !(err.status === 429 && loginQuota.test(err.body));
  }
  return false;
};

/** Options of {@link h2oRetry}. */
export interface H2oRetryOptions {
  /** Retries after the first attempt. */
  count: number;
  /** The first backoff, in ms (default 500); it doubles each retry. */
  baseMs?: number;
  /**
   * The longest wait, in ms (default 30,000). A `Retry-After` that asks for more is not
   * waited for: the error is passed on at once.
   */
  maxMs?: number;
  /**
   * Where the waits run (default `asyncScheduler`); a `TestScheduler` drives them in virtual
   * time.
   */
  scheduler?: SchedulerLike;
}

// setTimeout's delay is a signed 32-bit number: anything longer fires at once (with a
// TimeoutOverflowWarning in Node).
const maxTimerMs = 2 ** 31 - 1;

const askedMs = (err: unknown): number =>
  err instanceof H2oHttpError ? (err.retryAfterMs ?? 0) : 0;

/**
 * How long to wait before retry number `attempt` (1-based), in whole milliseconds:
 * exponential backoff with "equal jitter" (half fixed, half random) capped at `maxMs`, never
 * less than the server's `Retry-After`, and never more than a timer can hold (2^31 - 1 ms).
 */
export const retryDelayMs = (
  attempt: number,
  err: unknown,
  { baseMs = 500, maxMs = 30_000 }: Omit<H2oRetryOptions, 'count' | 'scheduler'> = {},
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  return Math.min(maxTimerMs, Math.ceil(Math.max(backoff, askedMs(err))));
};

// Events that show the user nothing a new attempt would show twice: steps, keep-alives, the
// conversation's title and the router's choice (a new attempt gets them again), and the
// reasoning status ("Started reasoning...", which a new attempt says again). Tokens, text,
// `done`, reasoning text, tool and file events are output: that attempt is not run again (as
// chat-ui's own server does not fall back once reasoning or a tool was shown).
const notOutput = new Set(['step', 'keep-alive', 'title', 'router', 'reasoning-status']);
const isOutput = (value: unknown): boolean =>
  !(
    typeof value === 'object' &&
    value !== null &&
    notOutput.has((value as { type?: unknown }).type as string)
  );

const checkCount = (options: H2oRetryOptions): void => {
  const { count, baseMs = 500, maxMs = 30_000, scheduler } = options ?? ({} as H2oRetryOptions);
  const bad = [count, baseMs, maxMs].some((n) => typeof n !== 'number' || !(n >= 0));
  const badScheduler =
    scheduler !== undefined &&
    (typeof scheduler?.schedule !== 'function' || typeof scheduler?.now !== 'function');
  if (bad || badScheduler || !Number.isInteger(count)) {
    throw new TypeError(
      'h2oRetry needs { count: integer >= 0, baseMs?: >= 0, maxMs?: >= 0, scheduler?: SchedulerLike }',
    );
  }
};

// Waiting longer than maxMs is not what the caller asked for: a server that wants that is
// answered with its own error.
const asksTooMuch = (err: unknown, { maxMs = 30_000 }: H2oRetryOptions): boolean =>
  askedMs(err) > maxMs;

/**
 * Resubscribes (a whole new handshake) on retryable errors, with backoff and jitter, unless
 * the failed attempt already emitted output the user would then see twice (a string, a token,
 * `done`, reasoning text, a tool or file event; not a step, keep-alive, title, router or
 * reasoning-status event), or the server's
 * `Retry-After` asks for a wait longer than `maxMs` (that error is passed on at once). Waits
 * run on `options.scheduler`, so `TestScheduler.run` drives them in virtual time.
 *
 * @example
 * completion$('falcon-40b', messages, { baseUrl })
 *   .pipe(timeout({ first: 30_000, each: 10_000 }), h2oRetry({ count: 3 }))
 *   .subscribe((token) => process.stdout.write(token));
 */
export const h2oRetry = <T>(options: H2oRetryOptions): MonoTypeOperatorFunction<T> => {
  checkCount(options);
  const scheduler = options.scheduler ?? asyncScheduler;
  // rxjs's retry({ delay }) + timer, written out: the same resubscription on the same
  // scheduler, without the timer's date handling in a browser bundle.
  return (source: Observable<T>) =>
    new Observable<T>((subscriber) => {
      let retries = 0;
      const attempt = () => {
        let emitted = false;
        subscriber.add(
          source.subscribe({
            next: (value) => {
              if (!emitted && isOutput(value)) emitted = true;
              subscriber.next(value);
            },
            error: (err) => {
              const giveUp =
                retries >= options.count ||
                emitted ||
                !isRetryable(err) ||
                asksTooMuch(err, options);
              if (giveUp) return subscriber.error(err);
              retries += 1;
              subscriber.add(scheduler.schedule(attempt, retryDelayMs(retries, err, options)));
            },
            complete: () => subscriber.complete(),
          }),
        );
      };
      attempt();
    });
};
