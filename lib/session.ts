import { concat, defer, ignoreElements, Observable, of } from 'rxjs';
import { chatUiSession$ } from './dialects/chat-ui';
import { h2oSession$ } from './dialects/h2o';
import { H2oSession, resolveSession, SessionOptions } from './options';
import { takeUntilAborted } from './signal';

export type { H2oSession, SessionOptions } from './options';

/**
 * Opens a session: `GET /` and `POST /settings` (dialect chat-ui: the JSON settings POST,
 * which mints the cookie), then emits it. Cold: each subscription opens a new one.
 * `shareReplay(1)` it to run many completions on one session at two requests each.
 *
 * @example
 * const session$ = openSession({ baseUrl }).pipe(shareReplay(1));
 * session$.pipe(switchMap((session) => completion$('falcon-40b', messages, { session })));
 */
export const openSession = (options: SessionOptions = {}): Observable<H2oSession> =>
  opening$(options).pipe(takeUntilAborted(options?.signal));

const opening$ = (options: SessionOptions): Observable<H2oSession> =>
  defer(() => {
    const { session, origin, transport, settingsBody } = resolveSession(options);
    const opened$ =
      session.dialect === 'h2o'
        ? h2oSession$(transport, origin, settingsBody)
        : chatUiSession$(transport, settingsBody);
    return concat(opened$.pipe(ignoreElements()), of(session));
  });
