import type { Transcript } from './transcripts';

/** The session id in a `Set-Cookie` or `Cookie` value. */
export const sessionOf = (cookie: string) => /hf-chat=([^;]*)/.exec(cookie)?.[1];

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Checks an answer's Set-Cookie against the transcript's: present exactly when the real one
 * was, with the same attributes, an expiry `lifetimeMs` from now (within `toleranceMs`), and
 * the same session (mapped through `cookies`, real id → emulator's) or a new one exactly
 * where the real server minted one. It learns the mapping first, so that one failing check
 * does not cascade into later cases.
 */
export const checkSetCookie = (
  cookies: Map<string, string>,
  lifetimeMs: number,
  toleranceMs: number,
  t: Transcript,
  actual: string[] | undefined,
): void => {
  const expected = t.response.headers['set-cookie']?.[0];
  const real = expected && sessionOf(expected);
  const ours = actual && sessionOf(actual[0]);
  const known = real !== undefined && cookies.has(real);
  const taken = [...cookies.values()];
  if (real && ours && !known) cookies.set(real, ours);
  expect(actual === undefined).toBe(expected === undefined);
  if (expected === undefined || actual === undefined) return;
  expect(actual).toHaveLength(1);
  const [pair, ...attributes] = actual[0].split('; ');
  expect(pair.startsWith('hf-chat=')).toBe(true);
  const expires = attributes.find((a) => a.startsWith('Expires='));
  expect(attributes.filter((a) => a !== expires)).toEqual([
    'Path=/',
    'HttpOnly',
    'Secure',
    'SameSite=None',
  ]);
  const at = Date.parse(expires!.slice('Expires='.length));
  expect(Math.abs(at - (Date.now() + lifetimeMs))).toBeLessThan(toleranceMs);
  if (known) {
    expect(ours).toBe(cookies.get(real!));
  } else {
    // The real server minted a new session here: so must the emulator.
    expect(taken).not.toContain(ours);
    expect(ours).toMatch(uuidV4);
  }
};

/**
 * A transcript's request headers for the emulator: Host and the captured origin become the
 * emulator's, the session cookie becomes the emulator's own for that session (`cookies`, real
 * id → emulator's), and Content-Length is left to the client.
 */
export const replayHeaders = (
  t: Transcript,
  url: string,
  capturedOrigin: string,
  cookies: Map<string, string>,
): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of t.request.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    if (lower === 'host') headers[name] = new URL(url).host;
    else if (lower === 'cookie') {
      const real = sessionOf(value) ?? '';
      const ours = cookies.get(real);
      if (ours === undefined) throw new Error(`${t.stem}: cookie ${real} was never minted`);
      headers[name] = `hf-chat=${ours}`;
    } else headers[name] = value.split(capturedOrigin).join(url);
  }
  return headers;
};
