import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { completionEvents$ } from '../../lib';
import type { CompletionEvent } from '../../lib';
import { chain, StepResult } from '../../lib/steps/chain';
import { Emulator, startEmulator } from '../../lib/testing';
import { hello, quiet, seen, unsubscribeWhen } from '../helpers';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const answer: Record<string, StepResult<string>> = {
  a: { step: 'conversation', ms: 1, value: 'c1' },
};
const events: Record<string, CompletionEvent> = {
  s: { type: 'step', step: 'conversation', ms: 1 },
  t: { type: 'token', text: 'Hi' },
};

describe('chain (marbles)', () => {
  it('emits the step event, then the next step, subscribed when the step answered', () => {
    const made: string[] = [];
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const step$ = cold('-a|', answer);
      const next$ = cold('--t|', events);
      const chained = chain(step$, (id) => (made.push(id), next$));
      expectObservable(chained).toBe('-s-t|', events);
      expectSubscriptions(step$.subscriptions).toBe('^-!');
      expectSubscriptions(next$.subscriptions).toBe('-^--!');
    });
    expect(made).toEqual(['c1']);
  });

  it('passes on the step error; no next step', () => {
    const next = jest.fn();
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(chain(cold('--#', answer, new Error('boom')), next)).toBe(
        '--#',
        undefined,
        new Error('boom'),
      );
    });
    expect(next).not.toHaveBeenCalled();
  });

  it('completes when the step completes without answering', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(chain(cold('--|', answer), () => cold('t|', events))).toBe('--|');
    });
  });

  it('turns a throw while building the next step into an error after the step event', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const step$ = cold('-a--|', answer);
      const broken = new TypeError('Do not know how to serialize a BigInt');
      const chained = chain(step$, () => {
        throw broken;
      });
      expectObservable(chained).toBe('-(s#)', events, broken);
      expectSubscriptions(step$.subscriptions).toBe('^!');
    });
  });

  it('unsubscribing cuts both windows: the step in flight, then the next step', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const step$ = cold('-a|', answer);
      const next$ = cold('----t|', events);
      expectObservable(
        chain(step$, () => next$),
        '^--!',
      ).toBe('-s-', events);
      expectSubscriptions(step$.subscriptions).toBe('^-!');
      expectSubscriptions(next$.subscriptions).toBe('-^-!');
    });
  });

  it('starts no next step when the subscriber leaves while taking the step event', () => {
    const next = jest.fn();
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const step$ = cold('-a|', answer);
      const next$ = cold('t|', events);
      next.mockReturnValue(next$);
      expectObservable(chain(step$, next).pipe(take(1))).toBe('-(s|)', events);
      expectSubscriptions(step$.subscriptions).toBe('^!');
      expectSubscriptions(next$.subscriptions).toBe([]);
    });
    expect(next).not.toHaveBeenCalled();
  });
});

describe('chain (live)', () => {
  let emu: Emulator;
  afterEach(() => emu.close());

  it.each(['h2o', 'chat-ui'] as const)(
    'dialect %s: unsubscribing on the conversation step event sends no stream request and no stop',
    async (dialect) => {
      emu = await startEmulator({ dialect, reply: () => ['Hi'] });
      const { values } = await unsubscribeWhen(
        completionEvents$('falcon-40b', hello, { baseUrl: emu.url, dialect }),
        (v) => v.some((e) => e.type === 'step' && e.step === 'conversation'),
      );
      expect(values.at(-1)).toEqual(expect.objectContaining({ step: 'conversation' }));
      // A stray stop would be held for its delay, then sent: quiet() waits for it to land.
      await quiet(emu);
      expect(seen(emu).filter((r) => r.startsWith('POST /conversation/'))).toEqual([]);
    },
  );
});
