import { Observable, Subject, throwError } from 'rxjs';
import type { CompletionEvent } from '../../lib';
import { readAlong, readAlongMs, tipIn } from '../../lib/steps/answer-id';

const token = (text: string): CompletionEvent => ({ type: 'token', text });
const step: CompletionEvent = { type: 'step', step: 'stream', ms: 1 };

// A read that records when it is subscribed and left, and ends when told.
const probeRead = (log: string[]) => {
  const end = new Subject<void>();
  const read$ = new Observable<never>((subscriber) => {
    log.push('read');
    const s = end.subscribe(() => subscriber.complete());
    return () => {
      s.unsubscribe();
      log.push('read left');
    };
  });
  return { read$, end: () => end.next() };
};

describe('readAlong', () => {
  it('starts the read just after the first token has reached the subscriber, once', () => {
    const log: string[] = [];
    const answer = new Subject<CompletionEvent>();
    const { read$ } = probeRead(log);
    answer.pipe(readAlong().beside(read$)).subscribe((e) => log.push(e.type));
    answer.next(step);
    answer.next(token('a'));
    answer.next(token('b'));
    expect(log).toEqual(['step', 'token', 'read', 'token']);
  });

  it('starts it at the end when the answer has no token', () => {
    const log: string[] = [];
    const answer = new Subject<CompletionEvent>();
    const { read$ } = probeRead(log);
    answer.pipe(readAlong().beside(read$)).subscribe((e) => log.push(e.type));
    answer.next(step);
    answer.next({ type: 'done', text: '', tokens: 0, conversationId: 'c' });
    expect(log).toEqual(['step', 'done', 'read']);
  });

  it('lets the read run on when the subscriber leaves; after() waits for its end', () => {
    const log: string[] = [];
    const along = readAlong();
    const answer = new Subject<CompletionEvent>();
    const { read$, end } = probeRead(log);
    const sub = answer.pipe(along.beside(read$)).subscribe();
    answer.next(token('a'));
    sub.unsubscribe();
    expect(log).toEqual(['read']);
    along.after(new Observable<string>((s) => s.next('next'))).subscribe((v) => log.push(v));
    expect(log).toEqual(['read']);
    end();
    expect(log).toEqual(['read', 'read left', 'next']);
  });

  it('after() subscribes at once when no read runs, and a left waiter is not subscribed', () => {
    const log: string[] = [];
    const along = readAlong();
    along.after(new Observable<string>((s) => s.next('now'))).subscribe((v) => log.push(v));
    expect(log).toEqual(['now']);
    const { read$, end } = probeRead(log);
    const answer = new Subject<CompletionEvent>();
    answer.pipe(along.beside(read$)).subscribe();
    answer.next(token('a'));
    along
      .after(new Observable<string>((s) => s.next('late')))
      .subscribe((v) => log.push(v))
      .unsubscribe();
    end();
    expect(log).toEqual(['now', 'read', 'read left']);
  });

  it("drops the read's error", () => {
    const along = readAlong();
    const answer = new Subject<CompletionEvent>();
    const seen: unknown[] = [];
    answer
      .pipe(along.beside(throwError(() => new Error('403'))))
      .subscribe({ next: (e) => seen.push(e.type), error: (e) => seen.push(e) });
    answer.next(token('a'));
    answer.complete();
    expect(seen).toEqual(['token']);
    let next = false;
    along.after(new Observable(() => void (next = true))).subscribe();
    expect(next).toBe(true);
  });

  it('abandons a read that never answers after readAlongMs', () => {
    jest.useFakeTimers();
    try {
      const log: string[] = [];
      const along = readAlong();
      const answer = new Subject<CompletionEvent>();
      const hung$ = new Observable<never>(() => () => log.push('read left'));
      answer.pipe(along.beside(hung$)).subscribe();
      answer.next(token('a'));
      along.after(new Observable<string>((s) => s.next('next'))).subscribe((v) => log.push(v));
      jest.advanceTimersByTime(readAlongMs - 1);
      expect(log).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(log).toEqual(['read left', 'next']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('tipIn', () => {
  const stored = {
    messages: [
      { id: 'root', from: 'system' },
      { id: 'u1', from: 'user' },
      { id: 'a1', from: 'assistant', generationId: 'g1' },
    ],
  };
  it('finds the answer of a generation, else where its turn went, else the root', () => {
    expect(tipIn(stored, { generationId: 'g1', previous: { id: 'root' } }, 'root')).toBe('a1');
    expect(tipIn(stored, { generationId: 'g2', previous: { id: 'a1' } }, 'root')).toBe('a1');
    expect(
      tipIn(
        stored,
        { generationId: 'g3', previous: { generationId: 'g2', previous: { id: 'x' } } },
        'root',
      ),
    ).toBe('x');
    expect(
      tipIn(
        {},
        { generationId: 'g9', previous: { generationId: 'g8', previous: { id: 'root' } } },
        'r',
      ),
    ).toBe('root');
  });
});
