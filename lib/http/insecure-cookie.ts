import type { H2oProtocolError, H2oStep } from '../errors';
import { insecureCookie } from '../protocol-errors';

const secureAttribute = /;\s*secure\s*(;|,|$)/i;

/** True for the hosts a cookie jar treats as secure over plain http (loopback). */
export const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
};

/**
 * A Secure cookie set by a plain-http server on another host is never sent back by a cookie
 * jar, so the session dies at the next request with a puzzling 405 or 404. Say so instead.
 */
export const insecureCookieError = (
  step: H2oStep,
  url: string,
  setCookie: string | null,
): H2oProtocolError | undefined => {
  if (!setCookie || !secureAttribute.test(setCookie)) return undefined;
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' || isLoopbackHost(hostname)) return undefined;
  return insecureCookie(step, hostname);
};
