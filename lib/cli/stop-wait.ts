import type { Unsubscribable } from 'rxjs';
import { fireAndForgetSettled } from '../http/fire-and-forget';

/**
 * Unsubscribes an answer and resolves once the stop-generating that causes (sent only if the
 * answer had reached its stream step) has been answered or abandoned: at most 2 s after it is
 * sent (API.md §7), at once when none was. The command must not exit, nor its next turn start,
 * before the server heard the stop: the library sends it in the background, unref'd, and
 * `fireAndForgetSettled` holds the process open for exactly that wait.
 */
export const cancelAnswer = (answer: Unsubscribable): Promise<void> => {
  answer.unsubscribe();
  return fireAndForgetSettled();
};
