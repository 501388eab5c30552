import { randomUUID } from 'node:crypto';
import { readCookie, SESSION_COOKIE, sessionCookie } from '../server/cookie';
import type { Exchange } from '../server/exchange';
import { endpointError, hookError, type H2oSession } from './answers';
import type { Store } from '../shared/sessions';

/** The origin chat-ui ran under at gpt-gm (its PUBLIC_ORIGIN), accepted as a Referer too. */
export const PUBLIC_ORIGIN = 'https://gpt-gm.h2o.ai';

// Content types a browser form can send cross-site without a preflight.
const formContentTypes = ['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain'];

const csrfRefusal = (x: Exchange): string | undefined => {
  // Exactly chat-ui's test: the raw value before any `;`, compared as is.
  const contentType = (x.req.headers['content-type'] ?? '').split(';')[0];
  if (x.method !== 'POST' || !formContentTypes.includes(contentType)) return undefined;
  const referer = x.req.headers.referer;
  if (!referer) return 'Non-JSON form requests need to have a referer';
  const ownOrigin = new URL(`http://${x.req.headers.host ?? 'localhost'}`).origin;
  // An unparsable Referer throws here, as it does in chat-ui (a 500).
  const origin = new URL(referer).origin;
  return origin === ownOrigin || origin === PUBLIC_ORIGIN
    ? undefined
    : 'Invalid referer for POST request';
};

/**
 * chat-ui's `handle` hook: reads or mints the session, refuses cross-site form posts (403) and,
 * outside `/settings`, any non-GET request of a session that has not accepted the welcome
 * modal (405). Returns the session, or undefined once it has answered.
 */
export const runHook = (x: Exchange, store: Store): H2oSession | undefined => {
  const id = readCookie(x.req.headers.cookie, SESSION_COOKIE) || randomUUID();
  let refusal: string | undefined;
  try {
    refusal = csrfRefusal(x);
  } catch {
    // A throw in the hook: SvelteKit's error answer, and no cookie.
    x.send(endpointError(x, 500, 'Internal Error'));
    return undefined;
  }
  if (refusal) {
    x.send(hookError(x, 403, refusal));
    return undefined;
  }
  const gated =
    !['GET', 'OPTIONS', 'HEAD'].includes(x.method) && !x.pathname.startsWith('/settings');
  if (gated && !store.findSession(id)?.accepted) {
    x.send(hookError(x, 405, 'You need to accept the welcome modal first'));
    return undefined;
  }
  return { id, cookie: sessionCookie(id) };
};
