import { lastValueFrom, toArray } from 'rxjs';
import { completion$, H2oHttpError, h2oRetry, openSession } from '../../lib';
import { redactCookies } from '../../lib/http/http-error';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, cookieOf, hello, ofStep, until } from '../helpers';

const reply = () => ['Hi', '!'];

describe('security', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  it('gives concurrent subscriptions separate cookie jars', async () => {
    const runs = Array.from({ length: 4 }, () =>
      lastValueFrom(completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(toArray())),
    );
    expect((await Promise.all(runs)).map((t) => t.join(''))).toEqual(['Hi!', 'Hi!', 'Hi!', 'Hi!']);
    const cookies = ofStep(emu, 'stream').map(cookieOf);
    expect(new Set(cookies).size).toBe(4);
    expect(ofStep(emu, 'session').every((r) => cookieOf(r) === undefined)).toBe(true);
  });

  it('starts every retried attempt with a fresh session', async () => {
    emu.inject({ step: 'stream', status: 503 });
    await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(
        h2oRetry({ count: 1, baseMs: 1 }),
        toArray(),
      ),
    );
    const [first, second] = ofStep(emu, 'stream').map(cookieOf);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first).not.toBe(second);
  });

  it('sends no cookie to another host a redirect points at', async () => {
    const other = await startEmulator({ reply, host: '127.0.0.2' });
    try {
      const session = await lastValueFrom(openSession({ baseUrl: emu.url }));
      const cookie = cookieOf(emu.requests[1]);
      expect(cookie).toBeDefined();
      emu.inject({
        step: 'conversation',
        status: 307,
        body: '',
        headers: { location: `${other.url}/conversation` },
      });
      const { error } = await collect(completion$('falcon-40b', hello, { session }));
      // The other host got the redirected POST, with no cookie: a session it never opened.
      expect(seenPaths(other)).toEqual(['POST /conversation']);
      expect(other.requests[0].headers.cookie).toBeUndefined();
      expect(error).toMatchObject({ name: 'H2oHttpError', status: 405 });
    } finally {
      await other.close();
    }
  });

  it('keeps the session cookie out of error messages and bodies', async () => {
    emu.inject({
      step: 'stream',
      status: 400,
      contentType: 'text/plain',
      body: 'Bad request. You sent:\nCookie: hf-chat=SECRET-1234\nhf-chat=SECRET-1234; Path=/',
    });
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: emu.url }));
    const cookie = cookieOf(ofStep(emu, 'stream')[0]) as string;
    const e = error as H2oHttpError;
    expect(e).toBeInstanceOf(H2oHttpError);
    for (const text of [e.message, e.body, JSON.stringify(e), String(e.stack)]) {
      expect(text).not.toContain('SECRET-1234');
      expect(text).not.toContain(cookie);
    }
    expect(e.body).toContain('[redacted]');
  });

  it('sends requests only to the baseUrl host', async () => {
    await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, deleteAfter: true }).pipe(toArray()),
    );
    await until(() => ofStep(emu, 'delete').length === 1, 3000, 'the DELETE');
    // Every request the client made arrived here, the fire-and-forget DELETE included: one
    // sent anywhere else would be missing from this list.
    expect(emu.requests.map((r) => r.step)).toEqual([
      'session',
      'settings',
      'conversation',
      'stream',
      'delete',
    ]);
    const host = new URL(emu.url).host;
    expect(emu.requests.every((r) => r.headers.host === host)).toBe(true);
  });
});

const seenPaths = (e: Emulator) => e.requests.map((r) => `${r.method} ${r.path}`);

describe('redactCookies', () => {
  it('blanks cookie values and Cookie header lines', () => {
    expect(redactCookies('a hf-chat=abc-123; Path=/ b')).toBe('a hf-chat=[redacted]; Path=/ b');
    expect(redactCookies('x\nCookie: hf-chat=1; other=2\ny')).toBe('x\nCookie: [redacted]\ny');
    expect(redactCookies('{"c":"hf-chat=abc"}')).toBe('{"c":"hf-chat=[redacted]"}');
  });
});
