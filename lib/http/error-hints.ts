import { H2oHttpError } from '../errors';
import type { Dialect } from '../dialect';

const lostCookie =
  'the session cookie did not come back: give a fetch that keeps cookies ' +
  '(withCookieJar(fetch)), and if the server sets it Secure over plain http, use https ' +
  '(or, for a self-hosted chat-ui, COOKIE_SECURE=false)';

const looksLike = (dialect: Dialect) =>
  `the server looks like the other dialect: try dialect: '${dialect}'`;

// What a status means beyond itself, by the dialect spoken and the step that got it.
const hintFor = (dialect: Dialect, { status, step, body }: H2oHttpError): string | undefined => {
  if (dialect === 'h2o' && status === 403 && /need to have an origin/i.test(body)) {
    return looksLike('chat-ui'); // today's chat-ui wants an Origin on the settings form
  }
  if (status === 405 && /welcome modal/i.test(body)) {
    // The 2023 server's answer to a request from a session without settings: in dialect
    // h2o the settings were posted, so the cookie was lost; dialect chat-ui posts none.
    return dialect === 'chat-ui' ? looksLike('h2o') : lostCookie;
  }
  // A conversation this completion just created, not found: its session was not recognised.
  if (dialect === 'chat-ui' && status === 404 && step === 'stream') return lostCookie;
  return undefined;
};

/**
 * The error with what its status means in this exchange, when that says more than the
 * status: a lost session cookie, or a server that speaks the other dialect.
 */
export const explainHttpError = (dialect: Dialect, err: unknown): unknown => {
  if (!(err instanceof H2oHttpError)) return err;
  const hint = hintFor(dialect, err);
  if (hint === undefined) return err;
  const { status, url, body, retryAfterMs } = err;
  return new H2oHttpError(err.step, { status, url, body, retryAfterMs }, `${err.message}: ${hint}`);
};
