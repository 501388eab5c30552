import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Answer, Exchange } from '../server/exchange';
import { endpointError } from '../h2o/answers';
import { negotiate } from '../server/negotiate';
import { errorPage, proxyErrorPage } from '../server/pages';
import type { EmulatorFault } from '../types';

const JSON_TYPE = 'application/json';

/** The session a request belongs to; `cookie` is the Set-Cookie its answer carries, if any. */
export interface ChatUiSession {
  id: string;
  cookie?: string;
}

/** The headers chat-ui puts on everything under `/api/`. */
export const CORS_HEADERS = {
  'access-control-allow-headers': 'Content-Type, Authorization',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-origin': '*',
};

// Like the `compression` middleware in front of chat-ui: 1 KiB and up, JSON and HTML only.
const COMPRESS_FROM = 1024;
const compressible = (x: Exchange, answer: Answer): boolean => {
  const type = String(answer.headers?.['content-type'] ?? '');
  const size = answer.body === undefined ? 0 : Buffer.byteLength(answer.body);
  return (
    /\bgzip\b/i.test(String(x.req.headers['accept-encoding'] ?? '')) &&
    /^(application\/json|text\/html)\b/.test(type) &&
    size >= COMPRESS_FROM
  );
};

/**
 * Sends a whole answer as chat-ui v0.20 does: `Vary: Accept-Encoding` on everything, the
 * session's Set-Cookie where the hook refreshed it, gzip for large JSON and HTML.
 */
export const respond = (x: Exchange, session: ChatUiSession | undefined, answer: Answer): void => {
  const headers = { vary: 'Accept-Encoding', ...answer.headers };
  if (session?.cookie !== undefined) headers['set-cookie'] = session.cookie;
  if (!compressible(x, answer)) return x.send({ ...answer, headers });
  x.send({
    status: answer.status,
    headers: { ...headers, 'content-encoding': 'gzip' },
    body: gzipSync(answer.body ?? ''),
    // The middleware streams what it compresses: no Content-Length.
    chunked: true,
  });
};

/** A JSON answer; chat-ui streams its successful ones (chunked), errors have a length. */
export const jsonAnswer = (
  status: number,
  value: unknown,
  extra: Record<string, string> = {},
): Answer => ({
  status,
  headers: { ...extra, 'content-type': JSON_TYPE },
  body: JSON.stringify(value),
  chunked: status < 300,
});

/** An answer with no body and no content type (`new Response()`), chunked. */
export const emptyAnswer = (status: number, headers: Record<string, string> = {}): Answer => ({
  status,
  headers,
  chunked: true,
});

/** An `error(status, message)` of an endpoint: `{"message"}`, or a page to a browser. */
export const messageError = (x: Exchange, status: number, message: string): Answer =>
  endpointError(x, status, message);

/**
 * An unexpected throw (chat-ui's 500 for every validation failure): `{"message":"An error
 * occurred","errorId"}` with a new id each time, or a page to a browser.
 */
export const unexpectedError = (x: Exchange): Answer =>
  negotiate(x.req.headers.accept || 'text/html', [JSON_TYPE, 'text/html']) === JSON_TYPE
    ? {
        status: 500,
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify({ message: 'An error occurred', errorId: randomUUID() }),
      }
    : {
        status: 500,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: errorPage(500, 'An error occurred'),
      };

const isProxyStatus = (status: number) => status >= 502 && status <= 504;

const defaultMessages: Record<number, string> = {
  400: 'Invalid request',
  404: 'Conversation not found',
  410: 'Model not available anymore',
  429: 'You are sending too many messages. Try again later.',
};

const defaultBody = (x: Exchange, status: number): string => {
  if (status === 500)
    return JSON.stringify({ message: 'An error occurred', errorId: randomUUID() });
  // A 403 on a POST is the CSRF hook's; on a GET, the conversation API's.
  if (status === 403 && x.method === 'POST') {
    return JSON.stringify({ error: 'Invalid referer for POST request' });
  }
  if (status === 403) {
    return JSON.stringify({
      message:
        "You don't have access to this conversation. If someone gave you this link, ask them to use the 'share' feature instead.",
    });
  }
  return JSON.stringify({ message: defaultMessages[status] ?? STATUS_CODES[status] ?? 'Error' });
};

/**
 * The answer of an injected `status` fault, in chat-ui v0.20's style; the caller adds the
 * session cookie where the real answer would carry it (not on 403s nor a proxy's pages).
 */
export const faultAnswer = (x: Exchange, fault: EmulatorFault): Answer => {
  const status = fault.status ?? 500;
  const proxyPage = isProxyStatus(status) && fault.body === undefined;
  return {
    status,
    headers: {
      'content-type': fault.contentType ?? (proxyPage ? 'text/html' : JSON_TYPE),
      ...fault.headers,
    },
    body:
      fault.body ??
      (proxyPage ? proxyErrorPage(status, STATUS_CODES[status] ?? '') : defaultBody(x, status)),
  };
};

/** True when a fault's answer comes from before the hook refreshes the cookie, or a proxy. */
export const faultSkipsCookie = (status: number): boolean =>
  status === 403 || isProxyStatus(status);
