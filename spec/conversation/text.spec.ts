import { TestScheduler } from 'rxjs/testing';
import { Subject } from 'rxjs';
import { H2oNetworkError, h2oText } from '../../lib';
import type { CompletionEvent } from '../../lib';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const ev: Record<string, CompletionEvent> = {
  s: { type: 'step', step: 'stream', ms: 3 },
  h: { type: 'token', text: 'Hello' },
  c: { type: 'token', text: ',' },
  w: { type: 'token', text: ' world!' },
  d: { type: 'done', text: 'Hello, world!', tokens: 3, conversationId: 'c' },
  // What a re-run backend gives: the first tokens streamed again, the final text right.
  r: { type: 'done', text: 'Hello, world!', tokens: 5, conversationId: 'c' },
  e: { type: 'done', text: '', tokens: 0, conversationId: 'c' },
};

describe('h2oText (marbles)', () => {
  it('emits the text so far after each token, and nothing more at a done that agrees', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-h-c-w-d|', ev);
      expectObservable(source.pipe(h2oText())).toBe('---a-b-c--|', {
        a: 'Hello',
        b: 'Hello,',
        c: 'Hello, world!',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it("emits the server's final text when the joined tokens differ (a re-run backend)", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('-h-c-h-c-w-r|', ev);
      expectObservable(source.pipe(h2oText())).toBe('-a-b-c-d-e-f|', {
        a: 'Hello',
        b: 'Hello,',
        c: 'Hello,Hello',
        d: 'Hello,Hello,',
        e: 'Hello,Hello, world!',
        f: 'Hello, world!',
      });
    });
  });

  it('emits the final text once when no token came (stream: false, or an empty answer)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-s-d|', ev).pipe(h2oText())).toBe('---a|', { a: 'Hello, world!' });
      expectObservable(cold('-s-e|', ev).pipe(h2oText())).toBe('---a|', { a: '' });
    });
  });

  it('passes errors on after the text so far, and unsubscribes from its source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const err = new H2oNetworkError('stream', new Error('reset'));
      const source = cold('-h-#', ev, err);
      expectObservable(source.pipe(h2oText())).toBe('-a-#', { a: 'Hello' }, err);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from its source when its subscriber leaves', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-h-c-w-d|', ev);
      expectObservable(source.pipe(h2oText()), '^--!').toBe('-a-', { a: 'Hello' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('turns a throw while reading an event into an error, as RxJS operators do', () => {
    const source = new Subject<CompletionEvent>();
    const seen: unknown[] = [];
    let error: unknown;
    source.pipe(h2oText()).subscribe({ next: (v) => seen.push(v), error: (e) => (error = e) });
    source.next(ev.h);
    source.next(null as unknown as CompletionEvent);
    expect(seen).toEqual(['Hello']);
    expect(error).toBeInstanceOf(TypeError);
    expect(source.observed).toBe(false);
  });
});
