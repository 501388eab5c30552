import { H2oInputError } from '../errors';
import type { FetchLike } from '../http/fetch-like';
import { isAbortSignalLike } from '../signal';
import { uuidV4 } from '../uuid';
import type { Dialect } from '../dialect';

/** The server H2O ran; it is gone, so callers point `baseUrl` at their own. */
export const defaultBaseUrl = 'https://gpt-gm.h2o.ai';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 9110's token: what a header name may be.
const httpToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws the input error `message`, with what caused it. */
export const fail = (message: string, cause?: unknown): never => {
  throw new H2oInputError(message, cause === undefined ? undefined : { cause });
};

/** An input error `message` unless `ok`. */
export const check = (ok: boolean, message: string): void => {
  if (!ok) fail(message);
};

/** A plain object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A finite number > 0, or the fallback when not given. */
export const positiveNumber = (name: string, value: number | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  check(
    typeof value === 'number' && Number.isFinite(value) && value > 0,
    `${name} must be a finite number > 0, got ${String(value)}`,
  );
  return value;
};

/** A positive safe integer, or the fallback when not given. */
export const positiveInteger = (name: string, value: number | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  check(
    Number.isSafeInteger(value) && (value as number) > 0,
    `${name} must be a positive integer, got ${String(value)}`,
  );
  return value;
};

/** A boolean, or the fallback when not given. */
export const boolean = (name: string, value: boolean | undefined, fallback: boolean) => {
  if (value === undefined) return fallback;
  check(typeof value === 'boolean', `${name} must be a boolean, got ${typeof value}`);
  return value;
};

/** A UUID, or a fresh v4 when not given. */
export const uuidOption = (name: string, value: string | undefined): string => {
  if (value === undefined) return uuidV4();
  check(typeof value === 'string' && uuid.test(value), `${name} must be a UUID, got ${value}`);
  return value;
};

type BaseUrl = { baseUrl: string; origin: string };

const parseBaseUrl = (raw: string): BaseUrl => {
  check(typeof raw === 'string', 'baseUrl must be a string');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`baseUrl is not a URL: ${raw}`);
  }
  check(
    url.protocol === 'http:' || url.protocol === 'https:',
    `baseUrl must be http: or https:, got ${url.protocol}`,
  );
  check(!url.username && !url.password, 'baseUrl must not carry credentials');
  return { baseUrl: (url.origin + url.pathname).replace(/\/+$/, ''), origin: url.origin };
};

// A program mostly talks to one server: its URL is parsed once, not on every completion.
let lastBaseUrl: { readonly raw: string; readonly resolved: BaseUrl } | undefined;

/** The base URL without a trailing slash, if it is http(s); else an input error. */
export const resolveBaseUrl = (value: string | undefined): BaseUrl => {
  const raw = value ?? defaultBaseUrl;
  if (lastBaseUrl?.raw === raw) return { ...lastBaseUrl.resolved };
  const resolved = parseBaseUrl(raw);
  lastBaseUrl = { raw, resolved };
  return { ...resolved };
};

/** The dialect named, if known; else an input error. */
export const resolveDialect = (value: Dialect | undefined): Dialect => {
  const dialect = value ?? 'h2o';
  check(dialect === 'h2o' || dialect === 'chat-ui', `dialect must be 'h2o' or 'chat-ui'`);
  return dialect;
};

/**
 * Extra headers: names that are HTTP tokens, values without CR, LF or NUL (fetch would
 * refuse them at the request, after the steps before it were already sent).
 */
export const resolveHeaders = (
  value: Record<string, string> | undefined,
): Record<string, string> => {
  if (value === undefined) return {};
  check(isRecord(value), 'headers must be an object of strings');
  for (const [k, v] of Object.entries(value)) {
    check(httpToken.test(k), `header name ${JSON.stringify(k)} is not an HTTP token`);
    check(typeof v === 'string', `header ${k} must be a string`);
    check(!/[\r\n\0]/.test(v), `header ${k} must not hold CR, LF or NUL`);
  }
  return value;
};

/** Checks that `signal`, if given, can be listened to like an `AbortSignal`. */
export const resolveSignal = (signal: unknown): void =>
  check(signal === undefined || isAbortSignalLike(signal), 'signal must be an AbortSignal');

/** The fetch given, checked to be a function. */
export const resolveFetch = (value: FetchLike | undefined): FetchLike | undefined => {
  check(value === undefined || typeof value === 'function', 'fetch must be a function');
  return value;
};
