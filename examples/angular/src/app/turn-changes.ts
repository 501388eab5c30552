import { type CompletionEvent, H2oError, h2oText } from 'h2o-rx';
import {
  catchError,
  endWith,
  map,
  merge,
  type Observable,
  of,
  startWith,
  take,
  takeWhile,
} from 'rxjs';
import { answered, type Change, ended } from './chat-view';

// `H2oProtocolError (stream): …`: the class and the step, then the message without the step
// some messages begin with.
const describe = (err: unknown): string => {
  if (!(err instanceof H2oError)) return String(err);
  const prefix = `${err.step}: `;
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return `${err.name} (${err.step}): ${message}`;
};

/**
 * One turn as changes to the view: `start`, then the answer as it grows, then how it ended.
 * `h2oText` gives the whole answer so far after each token and the server's final text at the
 * end, so a server that streams its first tokens twice is still shown right. A value on
 * `stop$` ends the turn, and so unsubscribes from it: the request is aborted and the server
 * is told to stop generating.
 */
export const turnChanges = (
  start: Change,
  events$: Observable<CompletionEvent>,
  stop$: Observable<unknown>,
): Observable<Change> => {
  const answer$ = events$.pipe(
    h2oText(),
    map((text) => ({ change: answered(text), last: false })),
    endWith({ change: ended('done'), last: true }),
    catchError((err: unknown) => of({ change: ended('error', describe(err)), last: true })),
  );
  const stopped$ = stop$.pipe(
    take(1),
    map(() => ({ change: ended('stopped'), last: true })),
  );
  return merge(answer$, stopped$).pipe(
    takeWhile((update) => !update.last, true),
    map((update) => update.change),
    startWith(start),
  );
};
