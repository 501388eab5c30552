import type { H2oProtocolError, H2oStep } from '../errors';

/**
 * The browser build's twin of insecure-cookie.ts (scripts/build.mjs swaps it in): a page's
 * fetch never shows a Set-Cookie header to script (the Fetch standard filters it out), and
 * the browser itself keeps or drops the cookie, so there is nothing to check.
 */
export const insecureCookieError = (
  _step: H2oStep,
  _transport: { readonly baseUrl: string },
  _response: { readonly headers: { get(name: string): string | null } },
): H2oProtocolError | undefined => undefined;
