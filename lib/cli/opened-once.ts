import { type MonoTypeOperatorFunction, ReplaySubject, share } from 'rxjs';

/**
 * Shares what opens once (a session, a conversation) between everything that needs it: the
 * first subscriber opens it, later ones get the same value. A failed opening is tried again by
 * the next subscriber, and one whose every subscriber left before it was open is abandoned (its
 * requests aborted), so that a turn cancelled while its conversation opens cancels the opening.
 */
export const openedOnce = <T>(): MonoTypeOperatorFunction<T> =>
  share({
    connector: () => new ReplaySubject<T>(1),
    resetOnError: true,
    resetOnComplete: false,
    resetOnRefCountZero: true,
  });
