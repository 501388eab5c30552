import type makeFetchCookie from 'fetch-cookie';

type CookieJar = InstanceType<typeof makeFetchCookie.toughCookie.CookieJar>;

// A Set-Cookie whose effect depends only on the origin it came from and on its text: an
// explicit `Path=/`, no Domain, no Max-Age (relative to when it is stored), and an Expires
// that parses (or none). Anything else goes to the jar every time.
const rootPath = /;\s*path\s*=\s*\/\s*(;|$)/i;
const notSimple = /;\s*(domain|max-age)\s*=/i;
const expiresAttribute = /;\s*expires\s*=\s*([^;]*)/i;

const expiryOf = (setCookie: string): number | undefined => {
  if (!rootPath.test(setCookie) || notSimple.test(setCookie)) return undefined;
  const expires = expiresAttribute.exec(setCookie);
  if (!expires) return Infinity;
  const time = Date.parse(expires[1]);
  return Number.isNaN(time) ? undefined : time;
};

// `scheme://host:port` of an absolute URL, without parsing it.
const originOf = (url: string): string => {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? url : url.slice(0, slash);
};

const nameOf = (setCookie: string): string => setCookie.slice(0, setCookie.indexOf('=')).trim();

/**
 * A tough-cookie jar as fetch-cookie uses it (`getCookieString`, `setCookie`), asked only
 * when its answer may differ from the last: chat-ui sends its session cookie again on every
 * answer, so a completion would parse the same Set-Cookie four times and serialise the jar
 * four times.
 *
 * A Set-Cookie equal to the last one stored for its origin is skipped while every cookie
 * stored is a simple one (`Path=/`, host-only, absolute or no expiry): storing it again
 * changes nothing. The Cookie header of an origin is reused until a cookie is stored, or the
 * earliest expiry passes. Any other cookie turns the caching off for good. `jar` must be new
 * and empty: every cookie in it comes through this wrapper.
 */
export const cachingCookieJar = (jar: CookieJar): CookieJar => {
  // The jar comes new and empty: until a cookie is stored, the header is empty for any URL
  // (a completion's first request is sent without asking tough-cookie).
  let stored = false;
  let simple = true;
  const lastSet = new Map<string, string>();
  const headers = new Map<string, string>();
  // Expiry of each simple cookie stored, by origin and name.
  const expiries = new Map<string, number>();
  let earliest = Infinity;
  // Bumped by every store: a header read while a cookie was being stored is not kept.
  let version = 0;

  const remember = (origin: string, setCookie: string, expiry: number) => {
    const key = `${origin} ${nameOf(setCookie)}`;
    if (expiry <= Date.now()) expiries.delete(key);
    else expiries.set(key, expiry);
    earliest = Math.min(Infinity, ...expiries.values());
  };

  const getCookieString = async (url: string): Promise<string> => {
    if (!stored) return '';
    if (!simple || Date.now() >= earliest) return jar.getCookieString(url);
    const origin = originOf(url);
    const cached = headers.get(origin);
    if (cached !== undefined) return cached;
    const before = version;
    const header = await jar.getCookieString(url);
    if (version === before) headers.set(origin, header);
    return header;
  };

  const setCookie = async (setCookie: string, url: string, options?: object) => {
    const origin = originOf(url);
    // Only a simple cookie is ever remembered as the last one: the same text again (the usual
    // case) is known to change nothing before its attributes are read.
    if (lastSet.get(origin) === setCookie) return undefined;
    const expiry = simple ? expiryOf(setCookie) : undefined;
    stored = true;
    version++;
    headers.clear();
    lastSet.clear();
    if (expiry === undefined) simple = false;
    else {
      lastSet.set(origin, setCookie);
      remember(origin, setCookie, expiry);
    }
    return jar.setCookie(setCookie, url, options);
  };

  return { getCookieString, setCookie } as unknown as CookieJar;
};
