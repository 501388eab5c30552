import { STATUS_CODES } from 'node:http';
import { sessionCookie } from '../server/cookie';
import type { Answer, Exchange } from '../server/exchange';
import { negotiate } from '../server/negotiate';
import { errorPage, proxyErrorPage } from '../server/pages';
import type { EmulatorFault, EmulatorStep } from '../types';

const JSON_TYPE = 'application/json';

/** The session a request belongs to, and the Set-Cookie every resolved answer carries. */
export interface H2oSession {
  id: string;
  cookie: string;
}

/** `answer` with the session cookie, as SvelteKit adds it to everything past the hook. */
export const withCookie = (session: H2oSession, answer: Answer): Answer => ({
  ...answer,
  headers: { ...answer.headers, 'set-cookie': session.cookie },
});

/** A JSON answer, chunked where chat-ui streams it. */
export const json = (status: number, value: unknown, chunked = false): Answer => ({
  status,
  headers: { 'content-type': JSON_TYPE },
  body: JSON.stringify(value),
  chunked,
});

/** An answer without a body (`new Response()` in chat-ui): no content type, chunked. */
export const empty = (status: number, headers: Record<string, string> = {}): Answer => ({
  status,
  headers,
  chunked: true,
});

/** The JSON in `text`, or undefined where it does not parse. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * An error thrown in an endpoint, as SvelteKit answers it: JSON `{"message"}` when Accept
 * prefers JSON (`*\/*` does), else an HTML page; no Accept at all counts as HTML.
 */
export const endpointError = (x: Exchange, status: number, message: string): Answer =>
  negotiate(x.req.headers.accept || 'text/html', [JSON_TYPE, 'text/html']) === JSON_TYPE
    ? { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ message }) }
    : {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: errorPage(status, message),
      };

/**
 * An answer chat-ui's hook returns itself (CSRF, welcome modal): JSON `{"error"}` only when
 * Accept or Content-Type mentions JSON, else plain text; chunked, and never a Set-Cookie.
 */
export const hookError = (x: Exchange, status: number, message: string): Answer => {
  const json =
    (x.req.headers.accept ?? '').includes(JSON_TYPE) ||
    (x.req.headers['content-type'] ?? '').includes(JSON_TYPE);
  return {
    status,
    headers: { 'content-type': json ? JSON_TYPE : 'text/plain' },
    body: json ? JSON.stringify({ error: message }) : message,
    chunked: true,
  };
};

/** True when a form action answers in JSON: SvelteKit's check, with no Accept meaning `*\/*`. */
export const actionWantsJson = (x: Exchange): boolean =>
  negotiate(x.req.headers.accept ?? '*/*', [JSON_TYPE, 'text/html']) === JSON_TYPE;

const defaultBodies: Record<number, object> = {
  403: { error: 'Invalid referer for POST request' },
  404: { message: 'Conversation not found' },
  405: { error: 'You need to accept the welcome modal first' },
  410: { message: 'Model not available anymore' },
  422: {
    error: 'Input validation error: `inputs` must have less than 2048 tokens.',
    error_type: 'validation',
  },
  424: {
    error: 'Request failed during generation: Server error: CUDA out of memory',
    error_type: 'generation',
  },
  429: { message: 'You are sending too many messages. Try again later.' },
  500: { message: 'Internal Error' },
};

const defaultBody = (step: EmulatorStep, status: number): string => {
  // A failing form action wraps its error: `error` is an object there.
  if (step === 'settings' && status >= 400) {
    return JSON.stringify({ type: 'error', error: { message: 'Internal Error' } });
  }
  return JSON.stringify(defaultBodies[status] ?? { message: STATUS_CODES[status] ?? 'Error' });
};

const isProxyStatus = (status: number) => status >= 502 && status <= 504;

/**
 * The answer of an injected `status` fault. Like the real answers of that status, it carries
 * the session cookie except for 403/405 (the hook's) and 502/503/504 (a proxy's HTML page).
 */
export const faultAnswer = (x: Exchange, fault: EmulatorFault, sessionId: string): Answer => {
  const status = fault.status ?? 500;
  const proxyPage = isProxyStatus(status) && fault.body === undefined;
  const body =
    fault.body ??
    (proxyPage
      ? proxyErrorPage(status, STATUS_CODES[status] ?? '')
      : defaultBody(x.step ?? 'session', status));
  const contentType = fault.contentType ?? (proxyPage ? 'text/html' : JSON_TYPE);
  const hookOrProxy = status === 403 || status === 405 || isProxyStatus(status);
  return {
    status,
    headers: {
      'content-type': contentType,
      ...(hookOrProxy ? {} : { 'set-cookie': sessionCookie(sessionId) }),
      ...fault.headers,
    },
    body,
  };
};
