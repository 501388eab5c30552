import { TestScheduler } from 'rxjs/testing';
import { H2oNetworkError, H2oProtocolError, h2oRetry } from '../../lib';
import type { CompletionEvent } from '../../lib';
import { chain } from '../../lib/steps/chain';

const network = new H2oNetworkError('stream', new Error('reset'));
const malformed = new H2oProtocolError('stream', 'malformed', 'x');

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('h2oRetry (marbles)', () => {
  beforeEach(() => jest.spyOn(Math, 'random').mockReturnValue(1)); // jitter at its ceiling
  afterEach(() => jest.restoreAllMocks());

  it('resubscribes after a retryable error that came before any output, after the backoff', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, network);
      // baseMs 10: first retry after 10 ms, second after 20 ms; then the last error.
      expectObservable(source.pipe(h2oRetry({ count: 2, baseMs: 10 }))).toBe(
        '-- 10ms -- 20ms --#',
        undefined,
        network,
      );
      expectSubscriptions(source.subscriptions).toBe(['^-!', '-- 10ms ^-!', '-- 10ms -- 20ms ^-!']);
    });
  });

  it('does not resubscribe once the attempt emitted output', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', { a: 'Hello' }, network);
      expectObservable(source.pipe(h2oRetry({ count: 3, baseMs: 10 }))).toBe(
        '-a-#',
        { a: 'Hello' },
        network,
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('resubscribes when only step events came before the error', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const step: CompletionEvent = { type: 'step', step: 'session', ms: 1 };
      const source = cold('-s#', { s: step }, network);
      expectObservable(source.pipe(h2oRetry({ count: 1, baseMs: 4 }))).toBe(
        '-s 4ms -s#',
        { s: step },
        network,
      );
      expectSubscriptions(source.subscriptions).toBe(['^-!', '-- 4ms ^-!']);
    });
  });

  it('does not resubscribe on a non-retryable error', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--#', undefined, malformed);
      expectObservable(source.pipe(h2oRetry({ count: 3 }))).toBe('--#', undefined, malformed);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('is cold: nothing is subscribed before the result is', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a|');
      expectObservable(source.pipe(h2oRetry({ count: 1 })), '---^').toBe('----a|');
      expectSubscriptions(source.subscriptions).toBe('---^-!');
    });
  });
});

describe('chain: the handshake as chained steps (subscription windows)', () => {
  const stepEvent = (step: 'session' | 'settings') => ({ type: 'step', step, ms: 0 }) as const;

  it('subscribes each step only when the previous one answered', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const session = cold('--r|', { r: { step: 'session' as const, ms: 0, value: 1 } });
      const settings = cold('---r|', { r: { step: 'settings' as const, ms: 0, value: 2 } });
      const tokens = cold('-t|', { t: { type: 'token', text: 'Hi' } as CompletionEvent });
      const result = chain(session, () => chain(settings, () => tokens));
      expectObservable(result).toBe('--a--bc|', {
        a: stepEvent('session'),
        b: stepEvent('settings'),
        c: { type: 'token', text: 'Hi' },
      });
      expectSubscriptions(session.subscriptions).toBe('^--!');
      expectSubscriptions(settings.subscriptions).toBe('--^---!');
      expectSubscriptions(tokens.subscriptions).toBe('-----^-!');
    });
  });

  it('unsubscribing during a step ends that step and never starts the next', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const session = cold('-r|', { r: { step: 'session' as const, ms: 0, value: 1 } });
      const settings = cold('-----r|', { r: { step: 'settings' as const, ms: 0, value: 2 } });
      const tokens = cold('-t|');
      const result = chain(session, () => chain(settings, () => tokens as never));
      expectObservable(result, '^--!').toBe('-a', { a: stepEvent('session') });
      expectSubscriptions(settings.subscriptions).toBe('-^-!');
      expectSubscriptions(tokens.subscriptions).toBe([]);
    });
  });
});
