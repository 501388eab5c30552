import { H2oProtocolError, H2oStep } from './errors';

// Every H2oProtocolError is made here, one maker per reason, so that each reason reads the
// same wherever it is found.

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** The error for a stream payload that breaks the format, quoting (the start of) it. */
export const malformed = (payload: string, what = ''): H2oProtocolError =>
  new H2oProtocolError('stream', 'malformed', `${what}${excerpt(payload.trim())}`);

/** The error for a failure the server reports inside the stream. */
export const serverError = (message: string, type?: string): H2oProtocolError =>
  new H2oProtocolError('stream', 'server-error', message, {
    message: `stream: the server failed${type ? ` (${type})` : ''}: ${message}`,
    errorType: type,
  });

/** The error for a body that ended before the stream's final event. */
export const truncated = (tokens: number): H2oProtocolError =>
  new H2oProtocolError(
    'stream',
    'truncated',
    `the stream ended after ${tokens} tokens without its final event`,
  );

/** The error for an answer that is not what the step expects; `message` replaces the default. */
export const unexpectedResponse = (
  step: H2oStep,
  detail: string,
  message?: string,
): H2oProtocolError => new H2oProtocolError(step, 'unexpected-response', detail, { message });

/** The error for a line over the cap. */
export const lineTooLong = (step: H2oStep, maxLineBytes: number): H2oProtocolError =>
  new H2oProtocolError(
    step,
    'line-too-long',
    `a line exceeded maxLineBytes (${maxLineBytes} bytes)`,
  );

/** The error for a session cookie marked Secure on a plain-http server it can never go back to. */
export const insecureCookie = (step: H2oStep, hostname: string): H2oProtocolError =>
  new H2oProtocolError(step, 'insecure-cookie', `${hostname} set a Secure cookie over plain http`, {
    message:
      `${step}: ${hostname} sets its session cookie Secure, which is never sent back over plain ` +
      `http: use an https:// baseUrl (or, for a self-hosted chat-ui, set COOKIE_SECURE=false)`,
  });
