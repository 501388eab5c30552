import { NEVER, Observable, Subject, toArray } from 'rxjs';
import { followedBy$, just$, whenEnded } from '../lib/just';

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
