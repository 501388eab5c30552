import type { H2oProtocolError, H2oStep } from '../errors';
import { insecureCookie } from '../protocol-errors';

const secureAttribute = /;\s*secure\s*(;|$)/i;

// fetch joins several Set-Cookie headers with ", ", and Expires dates hold ", " too: a new
// cookie starts where ", " is followed by `name=`.
const cookieSplit = /,\s*(?=[^;,=\s]+=)/;

/** The session cookie (`hf-chat`) among the `Set-Cookie` headers, if the answer sets it. */
const sessionCookie = (setCookie: string): string | undefined =>
  setCookie.split(cookieSplit).find((cookie) => /^\s*hf-chat=/i.test(cookie));

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

// Whether a server is plain http on a host that is not loopback (its host then), kept for the
// last base URL asked about: a process talks to one server or few, while every completion has
// a transport of its own, so this is worked out once, not once per completion.
let lastBaseUrl: string | undefined;
let lastHost: string | null = null;
const plainRemoteHost = ({ baseUrl }: { readonly baseUrl: string }): string | null => {
  if (baseUrl !== lastBaseUrl) {
    const { protocol, hostname } = new URL(baseUrl);
    lastHost = protocol !== 'http:' || isLoopbackHost(hostname) ? null : hostname;
    lastBaseUrl = baseUrl;
  }
  return lastHost;
};

/**
 * A Secure cookie set by a plain-http server on another host is never sent back by a cookie
 * jar, so the session dies at the next request with a puzzling 405 or 404. Say so instead.
 */
export const insecureCookieError = (
  step: H2oStep,
  transport: { readonly baseUrl: string },
  response: { readonly headers: { get(name: string): string | null } },
): H2oProtocolError | undefined => {
  // Over https or on loopback (nearly always) the headers are not even read.
  const host = plainRemoteHost(transport);
  if (host === null) return undefined;
  const setCookie = response.headers.get('set-cookie');
  const session = setCookie ? sessionCookie(setCookie) : undefined;
  // Only the session cookie matters (a load balancer's Secure cookie is its own business).
  return session && secureAttribute.test(session) ? insecureCookie(step, host) : undefined;
};
