import { randomUUID } from 'node:crypto';
import { readCookie, SESSION_COOKIE } from '../server/cookie';
import type { Exchange } from '../server/exchange';
import { respond, unexpectedError, type ChatUiSession } from './answers';
import { hookError } from '../h2o/answers';

const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;

/**
 * The session's Set-Cookie as chat-ui v0.20 writes it: two weeks, and `Secure` even over plain
 * http (clients must cope, so the emulator must not be kinder).
 */
export const chatUiCookie = (sessionId: string, now = Date.now()): string =>
  `${SESSION_COOKIE}=${encodeURIComponent(sessionId)}; Path=/; ` +
  `Expires=${new Date(now + TWO_WEEKS_MS).toUTCString()}; HttpOnly; Secure; SameSite=None`;

// Content types a browser form can send cross-site without a preflight.
const formContentTypes = ['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain'];

// chat-ui's test exactly: the raw type before any `;`, and the Origin's host (not its scheme)
// against the Host the request came to. `new URL('null')` throws: chat-ui answers that with a 500.
const csrfRefusal = (x: Exchange): string | undefined => {
  const contentType = (x.req.headers['content-type'] ?? '').split(';')[0];
  if (x.method !== 'POST' || !formContentTypes.includes(contentType)) return undefined;
  const origin = x.req.headers.origin;
  if (!origin) return 'Non-JSON form requests need to have an origin';
  return new URL(origin).host === x.req.headers.host
    ? undefined
    : 'Invalid referer for POST request';
};

/** The session of a request: its cookie's, or a new one that only a POST's answer hands out. */
export const sessionOf = (x: Exchange): ChatUiSession => {
  const id = readCookie(x.req.headers.cookie, SESSION_COOKIE) || randomUUID();
  // chat-ui refreshes the cookie on every POST past its CSRF check, and never on a GET.
  return x.method === 'POST' ? { id, cookie: chatUiCookie(id) } : { id };
};

/**
 * chat-ui v0.20's `handle` hook: refuses cross-site form posts (403, no cookie) and returns the
 * session, or undefined once it has answered. There is no welcome-modal gate any more.
 */
export const runChatUiHook = (x: Exchange): ChatUiSession | undefined => {
  let refusal: string | undefined;
  try {
    refusal = csrfRefusal(x);
  } catch {
    respond(x, undefined, unexpectedError(x));
    return undefined;
  }
  if (refusal) {
    respond(x, undefined, hookError(x, 403, refusal));
    return undefined;
  }
  return sessionOf(x);
};
