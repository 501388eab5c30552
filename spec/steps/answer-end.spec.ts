import { pipe, Subject, takeWhile } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { CompletionEvent } from '../../lib';
import { untilAnswered } from '../../lib/steps/answer-end';

const END = '<|endoftext|>';
const events: Record<string, CompletionEvent> = {
  s: { type: 'step', step: 'stream', ms: 1 },
  a: { type: 'token', text: 'a' },
  b: { type: 'token', text: 'b' },
  e: { type: 'token', text: END },
  d: { type: 'done', text: 'ab', tokens: 2, conversationId: 'c' },
};

// The two takeWhiles written out, the second inclusive: untilAnswered must be them.
const twoTakeWhiles = pipe(
  takeWhile((e: CompletionEvent) => e.type !== 'token' || e.text !== END),
  takeWhile((e: CompletionEvent) => e.type !== 'done', true),
);

describe('untilAnswered', () => {
  it.each([
    ['-s-a-b-d-a|', '-s-a-b-(d|)', '^------!'],
    ['-s-a-e-b-d|', '-s-a-|', '^----!'],
    ['-s-a-b-|', '-s-a-b-|', '^------!'],
    ['-s-a-#', '-s-a-#', '^----!'],
  ])('%s gives %s and leaves the source at %s, as the two takeWhiles do', (source, expected, sub) =>
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(
      ({ hot, expectObservable, expectSubscriptions }) => {
        const source$ = hot(source, events);
        expectObservable(source$.pipe(untilAnswered(END))).toBe(expected, events);
        expectObservable(source$.pipe(twoTakeWhiles)).toBe(expected, events);
        expectSubscriptions(source$.subscriptions).toBe([sub, sub]);
      },
    ),
  );

  it('completes before the source is left, and passes nothing after', () => {
    const source = new Subject<CompletionEvent>();
    const log: string[] = [];
    source.pipe(untilAnswered(END)).subscribe({
      next: (e) => log.push(e.type),
      complete: () => log.push(`complete, source observed: ${String(source.observed)}`),
    });
    source.next(events.a);
    source.next(events.d);
    source.next(events.b);
    expect(log).toEqual(['token', 'done', 'complete, source observed: true']);
    expect(source.observed).toBe(false);
  });
});
