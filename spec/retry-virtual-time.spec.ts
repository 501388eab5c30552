import { defer, Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { H2oHttpError, H2oInputError, h2oRetry, retryDelayMs } from '../lib';
import type { CompletionEvent } from '../lib';

const unavailable = (retryAfterMs?: number) =>
  new H2oHttpError(
    'conversation',
    { status: 503, url: 'http://x/conversation', body: '', retryAfterMs },
    'conversation: HTTP 503',
  );

const testScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

// A cold completion whose first `failures` subscriptions fail with `err`, then answers.
const flaky = <T>(
  failures: number,
  failing: () => Observable<T>,
  answering: () => Observable<T>,
): { source$: Observable<T>; attempts: () => number } => {
  let n = 0;
  return {
    source$: defer(() => (++n <= failures ? failing() : answering())),
    attempts: () => n,
  };
};

describe('h2oRetry in virtual time', () => {
  it('retries twice on Retry-After, at exact frames, then streams the answer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const { source$ } = flaky(
        2,
        () => cold<string>('-#', undefined, unavailable(100)),
        () => cold('-a-(b|)'),
      );
      // attempt 1 fails at 1, waits 100; attempt 2 fails at 102, waits 100; attempt 3 at 202.
      expectObservable(source$.pipe(h2oRetry({ count: 3, baseMs: 10 }))).toBe('203ms a-(b|)');
    });
  });

  it('waits whole milliseconds: the jittered backoff is rounded up', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      testScheduler().run(({ cold, expectObservable }) => {
        const { source$ } = flaky(
          1,
          () => cold<string>('-#', undefined, unavailable()),
          () => cold('(a|)'),
        );
        // baseMs 15: ceiling 15, backoff 7.5 + 3.75 = 11.25, waited as 12.
        expectObservable(source$.pipe(h2oRetry({ count: 1, baseMs: 15 }))).toBe('13ms (a|)');
      });
    } finally {
      random.mockRestore();
    }
  });

  it('waits on the scheduler it is given', () => {
    const scheduler = testScheduler();
    const seen: string[] = [];
    const { source$, attempts } = flaky(
      1,
      () => throwError(() => unavailable(250)),
      () => of('answer'),
    );
    const subscription = source$
      .pipe(h2oRetry({ count: 1, baseMs: 1, scheduler }))
      .subscribe((v) => seen.push(v));
    expect(attempts()).toBe(1);
    scheduler.flush(); // runs the 250 ms wait in virtual time
    expect(scheduler.now()).toBe(250);
    expect(attempts()).toBe(2);
    expect(seen).toEqual(['answer']);
    expect(subscription.closed).toBe(true);
  });

  it('passes the last error on once count retries are spent', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const { source$ } = flaky(
        5,
        () => cold<string>('-#', undefined, unavailable(10)),
        () => cold('(a|)'),
      );
      // attempts at 0, 11 and 22 fail; the third failure (at 23) is passed on.
      expectObservable(source$.pipe(h2oRetry({ count: 2, baseMs: 1 }))).toBe(
        '23ms #',
        undefined,
        unavailable(10),
      );
    });
  });

  it('does not retry once the attempt has emitted output', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const { source$ } = flaky(
        5,
        () => cold<string>('-a#', undefined, unavailable(10)),
        () => cold('(b|)'),
      );
      expectObservable(source$.pipe(h2oRetry({ count: 3, baseMs: 1 }))).toBe(
        '-a#',
        undefined,
        unavailable(10),
      );
    });
  });

  it.each([
    [{ type: 'reasoning', text: 'hmm' }],
    [{ type: 'tool-call', uuid: 'u', name: 't', parameters: {} }],
    [{ type: 'tool-result', uuid: 'u', name: 't', ok: true, outputs: [] }],
    [{ type: 'tool-error', uuid: 'u', message: 'x' }],
    [{ type: 'tool-progress', uuid: 'u', eta: 10 }],
    [{ type: 'file', name: 'a.png', sha: 's', mime: 'image/png' }],
  ] as CompletionEvent[][])('does not retry an attempt that showed %o', (shown) => {
    testScheduler().run(({ cold, expectObservable }) => {
      const { source$ } = flaky(
        5,
        () => cold<CompletionEvent>('-a#', { a: shown }, unavailable(10)),
        () => cold<CompletionEvent>('(b|)', { b: shown }),
      );
      expectObservable(source$.pipe(h2oRetry({ count: 3, baseMs: 1 }))).toBe(
        '-a#',
        { a: shown },
        unavailable(10),
      );
    });
  });

  it('retries an attempt that gave only steps, keep-alives, a title, the router, a status', () => {
    const said: CompletionEvent[] = [
      { type: 'step', step: 'stream', ms: 1 },
      { type: 'keep-alive' },
      { type: 'title', title: 'T' },
      { type: 'router', route: 'r', model: 'm' },
      { type: 'reasoning-status', status: 'Started reasoning...' },
    ];
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { a: said[0], b: said[1], c: said[2], d: said[3], e: said[4] };
      const done: CompletionEvent = { type: 'done', text: 'ok', tokens: 0, conversationId: 'c' };
      const { source$ } = flaky(
        1,
        () => cold<CompletionEvent>('abcde#', values, unavailable(10)),
        () => cold<CompletionEvent>('(z|)', { z: done }),
      );
      // The wait is the Retry-After's 10 ms, from the error at frame 5.
      expectObservable(source$.pipe(h2oRetry({ count: 1, baseMs: 1 }))).toBe('abcde 10ms (z|)', {
        ...values,
        z: done,
      });
    });
  });

  it('starts no further attempt once unsubscribed during a wait', () => {
    const scheduler = testScheduler();
    const { source$, attempts } = flaky(
      1,
      () => throwError(() => unavailable(250)),
      () => of('answer'),
    );
    const seen: string[] = [];
    const subscription = source$
      .pipe(h2oRetry({ count: 1, baseMs: 1, scheduler }))
      .subscribe((v) => seen.push(v));
    subscription.unsubscribe();
    scheduler.flush();
    expect(attempts()).toBe(1);
    expect(seen).toEqual([]);
  });

  it('gives up at once when Retry-After asks for more than maxMs', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const err = unavailable(60_000);
      const failing = cold<string>('-#', undefined, err);
      const { source$ } = flaky(
        5,
        () => failing,
        () => cold('a|'),
      );
      expectObservable(source$.pipe(h2oRetry({ count: 3, maxMs: 30_000 }))).toBe(
        '-#',
        undefined,
        err,
      );
      expectSubscriptions(failing.subscriptions).toBe('^!');
    });
  });

  it('gives up at once on a month-long Retry-After (2592000 s) with the default maxMs', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const err = unavailable(2_592_000_000);
      const { source$ } = flaky(
        1,
        () => cold<string>('-#', undefined, err),
        () => cold('a|'),
      );
      expectObservable(source$.pipe(h2oRetry({ count: 3 }))).toBe('-#', undefined, err);
    });
  });

  it('refuses a scheduler that is not one', () => {
    expect(() => h2oRetry({ count: 1, scheduler: {} as never })).toThrow(TypeError);
    expect(() => h2oRetry({ count: 1, scheduler: new H2oInputError('x') as never })).toThrow(
      TypeError,
    );
  });
});

describe('retryDelayMs', () => {
  const maxTimer = 2 ** 31 - 1;

  it('is a whole number of milliseconds', () => {
    for (const r of [0, 0.123, 0.5, 0.999]) {
      expect(Number.isInteger(retryDelayMs(1, new Error(), { baseMs: 15 }, () => r))).toBe(true);
    }
  });

  it('never overflows a 32-bit timer, whatever maxMs and Retry-After say', () => {
    expect(retryDelayMs(1, unavailable(2_592_000_000), { maxMs: 1e12 }, () => 1)).toBe(maxTimer);
    expect(retryDelayMs(60, new Error(), { baseMs: 1e9, maxMs: Infinity }, () => 1)).toBe(maxTimer);
  });
});
