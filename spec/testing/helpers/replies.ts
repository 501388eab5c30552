import type { EmulatorOptions } from '../../../lib/testing';

type Reply = NonNullable<EmulatorOptions['reply']>;

/** A reply that answers each call with the next of `answers`. */
const inTurn =
  (answers: (() => ReturnType<Reply>)[]): Reply =>
  () =>
    answers.shift()!();

/** A reply whose first call throws 'bug in my reply' and whose second rejects 'async bug'. */
export const failingReplies = (): Reply =>
  inTurn([
    () => {
      throw new Error('bug in my reply');
    },
    () => Promise.reject(new Error('async bug')),
  ]);

/** A reply resolving 'Later, then' first, then yielding 'one', ' two' one by one. */
export const laterReplies = (): Reply =>
  inTurn([
    () => Promise.resolve('Later, then'),
    async function* yielded() {
      yield 'one';
      await Promise.resolve();
      yield ' two';
    },
  ]);

/**
 * A reply that yields 'one', waits for `release(by)`, yields ' two', then throws 'midway bug'
 * when `failing`. `released` says who released it: 5 s pass first ('timer') when the emulator
 * reads the whole reply before streaming, so that shows as a failure, not a hang.
 */
export const gatedReply = (failing = false) => {
  let release!: (by: string) => void;
  const released = new Promise<string>((resolve) => (release = resolve));
  async function* reply() {
    yield 'one';
    const timer = setTimeout(() => release('timer'), 5000);
    await released;
    clearTimeout(timer);
    yield ' two';
    if (failing) throw new Error('midway bug');
  }
  return { reply: reply as Reply, release, released };
};
