import { H2oHttpError, H2oStep } from '../errors';

/** How much of an error body is kept. */
export const maxErrorBody = 2048;

/** `Retry-After` (delta-seconds or an HTTP date) in milliseconds from `now`, if present. */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * What the server said, from whichever shape it used: `{message}`, `{error: "…"}`,
 * `{error: {message}}`, plain text, or an HTML page (named, not quoted).
 */
export const serverMessage = (body: string, contentType: string | null): string => {
  if (/html/i.test(contentType ?? '') || /^\s*<(!doctype|html)/i.test(body)) return 'an HTML page';
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json?.error as Record<string, unknown> | string | undefined;
    const found =
      asText(json?.message) ??
      asText(error) ??
      asText(typeof error === 'object' ? error?.message : undefined);
    if (found) return found;
  } catch {
    // Not JSON: the text itself says it.
  }
  const line = body.trim().split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line || '(empty body)';
};

// A server (or a proxy's debug page) may echo the request's headers: the session cookie is
// the only credential, so it never reaches an error message or a log.
const cookieValues = /(hf-chat\s*=\s*)[^\s;,"'&<]+/gi;
const cookieHeaders = /^(\s*(?:set-)?cookie\s*:).*$/gim;

/** `text` with session cookie values and Cookie header lines blanked out. */
export const redactCookies = (text: string): string =>
  text.replace(cookieHeaders, '$1 [redacted]').replace(cookieValues, '$1[redacted]');

/** The typed error for a non-2xx answer whose body (already capped) is `raw`. */
export const httpError = (step: H2oStep, response: Response, url: string, raw: string) => {
  const body = redactCookies(raw);
  const message = serverMessage(body, response.headers.get('content-type'));
  return new H2oHttpError(
    step,
    {
      status: response.status,
      url,
      body,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    },
    `${step}: HTTP ${response.status}: ${message}`,
  );
};
