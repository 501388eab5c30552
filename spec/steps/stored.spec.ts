import { Observable, Subject, throwError } from 'rxjs';
import type { CompletionEvent } from '../../lib';
import { endsWhenStored, readUntil } from '../../lib/steps/stored';
import { settleMs, turnGate } from '../../lib/steps/turn-gate';

const token = (text: string): CompletionEvent => ({ type: 'token', text });
const done: CompletionEvent = { type: 'done', text: 'ab', tokens: 2, conversationId: 'c' };

// Work that records when it is subscribed and left, and ends when told.
const probe = (log: string[], name: string) => {
  const end = new Subject<void>();
  const work$ = new Observable<never>((subscriber) => {
    log.push(name);
    const s = end.subscribe(() => subscriber.complete());
    return () => {
      s.unsubscribe();
      log.push(`${name} left`);
    };
  });
  return { work$, end: () => end.next() };
};

const now$ = (log: string[], value: string) =>
  new Observable<string>((s) => {
    log.push(value);
    s.complete();
  });

describe('turnGate', () => {
  it('passes at once while nothing is held, then waits for the work held last', () => {
    const log: string[] = [];
    const gate = turnGate();
    gate.after(now$(log, 'first')).subscribe();
    const { work$, end } = probe(log, 'work');
    gate.hold(work$);
    gate.after(now$(log, 'next')).subscribe();
    expect(log).toEqual(['first', 'work']);
    end();
    expect(log).toEqual(['first', 'work', 'work left', 'next']);
  });

  it('does not subscribe a waiter that left, and drops the work’s error', () => {
    const log: string[] = [];
    const gate = turnGate();
    const { work$, end } = probe(log, 'work');
    gate.hold(work$);
    gate.after(now$(log, 'left')).subscribe().unsubscribe();
    end();
    expect(log).toEqual(['work', 'work left']);
    gate.hold(throwError(() => new Error('404')));
    gate.after(now$(log, 'next')).subscribe();
    expect(log).toEqual(['work', 'work left', 'next']);
  });

  it('abandons work that never ends after settleMs', () => {
    jest.useFakeTimers();
    try {
      const log: string[] = [];
      const gate = turnGate();
      gate.hold(new Observable<never>(() => () => log.push('work left')));
      gate.after(now$(log, 'next')).subscribe();
      jest.advanceTimersByTime(settleMs - 1);
      expect(log).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(log).toEqual(['work left', 'next']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('readUntil', () => {
  it('reads again, later each time, until the value is stored', () => {
    jest.useFakeTimers();
    try {
      let reads = 0;
      const read$ = new Observable<number>((s) => {
        reads += 1;
        s.next(reads);
        s.complete();
      });
      const seen: number[] = [];
      readUntil(read$, (n) => n === 3).subscribe((n) => seen.push(n));
      expect(reads).toBe(0);
      jest.advanceTimersByTime(10);
      expect(reads).toBe(1);
      jest.advanceTimersByTime(24);
      expect(reads).toBe(1);
      jest.advanceTimersByTime(1);
      expect(reads).toBe(2);
      jest.advanceTimersByTime(50);
      expect(reads).toBe(3);
      expect(seen).toEqual([3]);
      jest.advanceTimersByTime(1000);
      expect(reads).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('endsWhenStored', () => {
  it('passes the answer, then completes once the whole check has ended', () => {
    const log: string[] = [];
    const gate = turnGate();
    const answer = new Subject<CompletionEvent>();
    const whole = probe(log, 'whole');
    const stopped = probe(log, 'stopped');
    answer
      .pipe(
        endsWhenStored(gate, '<|endoftext|>', {
          whole: () => whole.work$,
          stopped: () => stopped.work$,
        }),
      )
      .subscribe({ next: (e) => log.push(e.type), complete: () => log.push('complete') });
    answer.next(token('a'));
    answer.next(done);
    expect(log).toEqual(['token', 'done', 'whole']);
    gate.after(now$(log, 'next turn')).subscribe();
    whole.end();
    expect(log).toEqual(['token', 'done', 'whole', 'whole left', 'complete', 'next turn']);
  });

  it('ends at the end token, not passed on', () => {
    const log: string[] = [];
    const answer = new Subject<CompletionEvent>();
    answer
      .pipe(
        endsWhenStored(turnGate(), '<|end|>', {
          whole: () => now$(log, 'whole'),
          stopped: () => now$(log, 'stopped'),
        }),
      )
      .subscribe({ next: (e) => log.push(e.type), complete: () => log.push('complete') });
    answer.next(token('a'));
    answer.next(token('<|end|>'));
    expect(log).toEqual(['token', 'whole', 'complete']);
  });

  it('holds the gate with the stopped check when the subscriber leaves mid-answer', async () => {
    const log: string[] = [];
    const gate = turnGate();
    const answer = new Subject<CompletionEvent>();
    const stopped = probe(log, 'stopped');
    const sub = answer
      .pipe(
        endsWhenStored(gate, '<|endoftext|>', {
          whole: () => now$(log, 'whole'),
          stopped: () => stopped.work$,
        }),
      )
      .subscribe((e) => log.push(e.type));
    answer.next(token('a'));
    sub.unsubscribe();
    gate.after(now$(log, 'next turn')).subscribe();
    // The check starts once the stops in flight have settled (none here: a tick).
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['token', 'stopped']);
    stopped.end();
    expect(log).toEqual(['token', 'stopped', 'stopped left', 'next turn']);
  });

  it('holds nothing when the answer fails', () => {
    const log: string[] = [];
    const gate = turnGate();
    const answer = new Subject<CompletionEvent>();
    answer
      .pipe(
        endsWhenStored(gate, '<|endoftext|>', {
          whole: () => now$(log, 'whole'),
          stopped: () => now$(log, 'stopped'),
        }),
      )
      .subscribe({ error: (e: Error) => log.push(e.message) });
    answer.error(new Error('dropped'));
    gate.after(now$(log, 'next turn')).subscribe();
    expect(log).toEqual(['dropped', 'next turn']);
  });
});
