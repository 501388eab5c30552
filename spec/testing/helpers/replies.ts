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
