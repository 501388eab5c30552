import type { Exchange } from '../server/exchange';
import { actionWantsJson, empty, json, withCookie, type H2oSession } from './answers';
import { h2oModelIds, isServedModel } from './models';
import { errorPage } from '../server/pages';
import type { Store } from '../shared/sessions';

/**
 * `POST /settings`, chat-ui's form action: stores the model and, with `ethicsModalAccepted`,
 * unlocks the session. Answers a redirect to the Referer: a 303 to a browser, JSON
 * `{"type":"redirect"}` to a client that prefers JSON; a failure is a 500.
 */
export const settingsRoute = (x: Exchange, session: H2oSession, store: Store): void => {
  const wantsJson = actionWantsJson(x);
  const refuse = () =>
    x.send(
      withCookie(
        session,
        wantsJson
          ? json(500, { type: 'error', error: { message: 'Internal Error' } })
          : {
              status: 500,
              headers: { 'content-type': 'text/html; charset=utf-8' },
              body: errorPage(500, 'Internal Error'),
            },
      ),
    );
  const type = (x.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  // SvelteKit actions read forms only; the emulator reads url-encoded ones (what clients send).
  if (type !== 'application/x-www-form-urlencoded') return refuse();
  const form = new URLSearchParams(x.body);
  const activeModel = form.get('activeModel') ?? h2oModelIds[0];
  if (!isServedModel(activeModel)) return refuse();
  const saved = store.session(session.id);
  saved.activeModel = activeModel;
  // zod's coerced boolean: any non-empty value accepts the modal, even "false".
  if (form.get('ethicsModalAccepted')) {
    saved.accepted = true;
    saved.acceptedAt = new Date();
  }
  saved.shareConversationsWithModelAuthors = Boolean(
    form.get('shareConversationsWithModelAuthors'),
  );
  const location = x.req.headers.referer || '/';
  x.send(
    withCookie(
      session,
      wantsJson ? json(200, { type: 'redirect', status: 303, location }) : empty(303, { location }),
    ),
  );
};
