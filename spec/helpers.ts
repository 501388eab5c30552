import crossFetch from 'cross-fetch';
import { Observable, Subscription } from 'rxjs';
import type { FetchLike } from '../lib';
import { fireAndForgetSettled } from '../lib/http/fire-and-forget';
import type { Emulator, RecordedRequest } from '../lib/testing';

/** The messages most tests send. */
export const hello = [{ role: 'user' as const, content: 'Say hello' }];

/** Collects what an Observable emits, and how it ended. */
export const collect = <T>(
  source: Observable<T>,
): Promise<{ values: T[]; error?: unknown; completed: boolean }> =>
  new Promise((resolve) => {
    const values: T[] = [];
    source.subscribe({
      next: (v) => values.push(v),
      error: (error: unknown) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, completed: true }),
    });
  });

/** Waits until `check` is true (polling), or fails after `ms`. */
export const until = async (check: () => boolean, ms = 3000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/**
 * Waits until the client has nothing left to send (every stop-generating or DELETE it started,
 * or is holding for its delay, answered or abandoned) and the emulator nothing in flight: a
 * request missing from the log after this was never sent.
 */
export const quiet = async (emu: Emulator): Promise<void> => {
  await fireAndForgetSettled();
  await emu.settled();
};

/** Method and path of each request the emulator saw, e.g. `POST /settings`. */
export const seen = (emu: Emulator): string[] =>
  emu.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{24}/, ':id')}`);

/** The requests of one step. */
export const ofStep = (emu: Emulator, step: RecordedRequest['step']): RecordedRequest[] =>
  emu.requests.filter((r) => r.step === step);

/** Subscribes, and unsubscribes once `when` holds for the values so far. */
export const unsubscribeWhen = <T>(
  source: Observable<T>,
  when: (values: T[]) => boolean,
): Promise<{ values: T[]; error?: unknown }> =>
  new Promise((resolve) => {
    const values: T[] = [];
    let sub: Subscription | undefined = undefined;
    let stop = false;
    sub = source.subscribe({
      next: (v) => {
        values.push(v);
        if (when(values)) {
          stop = true;
          sub?.unsubscribe();
          resolve({ values });
        }
      },
      error: (error: unknown) => resolve({ values, error }),
      complete: () => resolve({ values }),
    });
    if (stop) sub.unsubscribe();
  });

/** The cookie a request carried (`hf-chat` value), if any. */
export const cookieOf = (r: RecordedRequest): string | undefined =>
  /hf-chat=([^;]+)/.exec(String(r.headers.cookie ?? ''))?.[1];

/**
 * A fetch that sends requests for `host` to 127.0.0.1: the server is on loopback, but the
 * client believes it is another host (for the rules that depend on the host).
 */
export const viaLoopback =
  (host: string): FetchLike =>
  (input, init) =>
    crossFetch(input.replace(host, '127.0.0.1'), init as never) as unknown as Promise<Response>;
