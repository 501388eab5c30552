import { map, NEVER, Observable, Subject, switchMap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { followedBy$, just$, lazy$, mapError, switchTo, whenEnded } from '../lib/just';

describe('just$ and followedBy$ (of and concat without the scheduler machinery)', () => {
  it('just$ emits its value and completes', async () => {
    await expect(
      new Promise((resolve) => just$(7).pipe(toArray()).subscribe(resolve)),
    ).resolves.toEqual([7]);
  });

  it('followedBy$ passes the first, then the second, in order', () => {
    const seen: unknown[] = [];
    const first = new Subject<number>();
    followedBy$(first, just$('b')).subscribe({
      next: (v) => seen.push(v),
      complete: () => seen.push('done'),
    });
    first.next(1);
    expect(seen).toEqual([1]);
    first.complete();
    expect(seen).toEqual([1, 'b', 'done']);
  });

  it('followedBy$ passes an error of the first on and never subscribes the second', () => {
    let subscribed = false;
    const second = new Observable(() => {
      subscribed = true;
    });
    const errors: unknown[] = [];
    const first = new Subject<number>();
    followedBy$(first, second).subscribe({ error: (err) => errors.push(err) });
    first.error(new Error('boom'));
    expect(errors).toEqual([new Error('boom')]);
    expect(subscribed).toBe(false);
  });

  it('unsubscribing reaches whichever is subscribed', () => {
    const first = new Subject<number>();
    let secondTornDown = false;
    const second = new Observable(() => () => {
      secondTornDown = true;
    });
    const subscription = followedBy$(first, second).subscribe();
    expect(first.observed).toBe(true);
    first.complete();
    subscription.unsubscribe();
    expect(secondTornDown).toBe(true);

    const other = new Subject<number>();
    followedBy$(other, NEVER).subscribe().unsubscribe();
    expect(other.observed).toBe(false);
  });
});

describe('whenEnded (tap for the end hooks)', () => {
  it('calls complete and error before the end reaches the subscriber, unsubscribe only on leaving early', () => {
    const log: string[] = [];
    const hooks = {
      complete: () => log.push('hook complete'),
      error: () => log.push('hook error'),
      unsubscribe: () => log.push('hook unsubscribe'),
    };
    just$(1)
      .pipe(whenEnded(hooks))
      .subscribe({ complete: () => log.push('complete') });
    new Observable((s) => s.error(new Error('x')))
      .pipe(whenEnded(hooks))
      .subscribe({ error: () => log.push('error') });
    NEVER.pipe(whenEnded(hooks)).subscribe().unsubscribe();
    expect(log).toEqual(['hook complete', 'complete', 'hook error', 'error', 'hook unsubscribe']);
  });
});

describe('lazy$ (defer for Observables)', () => {
  it('calls make at each subscription; a throw there is an error; leaving reaches the inner', () => {
    let made = 0;
    const inner = new Subject<number>();
    const lazy = lazy$(() => {
      made++;
      return inner;
    });
    expect(made).toBe(0);
    const seen: number[] = [];
    const subscription = lazy.subscribe((v) => seen.push(v));
    inner.next(1);
    expect([made, seen]).toEqual([1, [1]]);
    subscription.unsubscribe();
    expect(inner.observed).toBe(false);
    lazy.subscribe().unsubscribe();
    expect(made).toBe(2);
    const errors: unknown[] = [];
    lazy$(() => {
      throw new Error('bad input');
    }).subscribe({ error: (e: Error) => errors.push(e.message) });
    expect(errors).toEqual(['bad input']);
  });
});

// The same marbles against rxjs's own operators: ours must not differ where we use them.
describe('switchTo and mapError, side by side with switchMap and catchError', () => {
  it.each([
    { source: '-a----|', inner: '-x-y|' },
    { source: '-a-b---|', inner: '-x-y|' },
    { source: '-a|', inner: '-x-y|' },
    { source: '-a--#', inner: '-x-y-z|' },
    { source: '-a----|', inner: '-x#' },
    { source: '-----|', inner: '-x|' },
  ])('switchTo follows $source with $inner as switchMap does', ({ source, inner }) =>
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, hot, expectObservable }) => {
      const source$ = hot(source);
      const project = (v: string) => cold(inner).pipe(map((x) => v + x));
      // The same values and ends at the same frames.
      expectObservable(source$.pipe(switchTo(project))).toEqual(source$.pipe(switchMap(project)));
    }),
  );

  it('switchTo: leaving unsubscribes the source and the inner', () => {
    const source = new Subject<number>();
    const inner = new Subject<string>();
    const subscription = source.pipe(switchTo(() => inner)).subscribe();
    source.next(1);
    expect([source.observed, inner.observed]).toEqual([true, true]);
    subscription.unsubscribe();
    expect([source.observed, inner.observed]).toEqual([false, false]);
  });

  it('switchTo: a throw in project is an error', () => {
    const errors: unknown[] = [];
    just$(1)
      .pipe(
        switchTo(() => {
          throw new Error('project');
        }),
      )
      .subscribe({ error: (e: Error) => errors.push(e.message) });
    expect(errors).toEqual(['project']);
  });

  it('mapError replaces the error and passes values and completion on', () => {
    const seen: unknown[] = [];
    const source = new Subject<number>();
    source.pipe(mapError((e) => `explained ${String(e)}`)).subscribe({
      next: (v) => seen.push(v),
      error: (e) => seen.push(e),
    });
    source.next(1);
    source.error('boom');
    just$(2)
      .pipe(mapError(() => 'never'))
      .subscribe({ next: (v) => seen.push(v), complete: () => seen.push('complete') });
    // A throw while explaining is the error that goes on.
    new Observable((s) => s.error('x'))
      .pipe(
        mapError(() => {
          throw new Error('hint failed');
        }),
      )
      .subscribe({ error: (e: Error) => seen.push(e.message) });
    expect(seen).toEqual([1, 'explained boom', 2, 'complete', 'hint failed']);
  });
});
