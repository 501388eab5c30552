import { TimeoutError } from 'rxjs';
import {
  H2oHttpError,
  H2oInputError,
  H2oNetworkError,
  H2oProtocolError,
  isRetryable,
  retryDelayMs,
} from '../lib';
import { parseRetryAfter } from '../lib/http/http-error';

const http = (status: number, body = '', retryAfterMs?: number) =>
  new H2oHttpError('stream', { status, url: 'http://x/', body, retryAfterMs }, `HTTP ${status}`);

describe('isRetryable', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(isRetryable(http(status))).toBe(true);
  });

  it.each([400, 403, 404, 405, 410, 422, 424])('does not retry HTTP %i', (status) => {
    expect(isRetryable(http(status))).toBe(false);
  });

  it('does not retry the anonymous message quota', () => {
    expect(isRetryable(http(429, '{"error":"Exceeded number of messages before login"}'))).toBe(
      false,
    );
  });

  it('retries network errors, truncated streams and timeouts', () => {
    expect(isRetryable(new H2oNetworkError('stream', new Error('reset')))).toBe(true);
    expect(isRetryable(new H2oProtocolError('stream', 'truncated', 'x'))).toBe(true);
    expect(isRetryable(new TimeoutError())).toBe(true);
    // RxJS's TimeoutError from another copy of rxjs: recognised by its name.
    expect(
      isRetryable(Object.assign(new Error('Timeout has occurred'), { name: 'TimeoutError' })),
    ).toBe(true);
  });

  it('does not retry input errors, in-band errors or malformed streams', () => {
    expect(isRetryable(new H2oInputError('x'))).toBe(false);
    expect(isRetryable(new H2oProtocolError('stream', 'server-error', 'x'))).toBe(false);
    expect(isRetryable(new H2oProtocolError('stream', 'malformed', 'x'))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from baseMs with jitter between half and all of the ceiling', () => {
    const opts = { baseMs: 100, maxMs: 10_000 };
    expect(retryDelayMs(1, new Error(), opts, () => 0)).toBe(50);
    expect(retryDelayMs(1, new Error(), opts, () => 1)).toBe(100);
    expect(retryDelayMs(3, new Error(), opts, () => 0)).toBe(200);
    expect(retryDelayMs(3, new Error(), opts, () => 1)).toBe(400);
  });

  it('never exceeds maxMs by itself', () => {
    expect(retryDelayMs(30, new Error(), { baseMs: 100, maxMs: 1000 }, () => 1)).toBe(1000);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(retryDelayMs(1, http(429, '', 5000), { baseMs: 10 }, () => 1)).toBe(5000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('Tue, 24 Nov 2026 11:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
