import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import makeFetchCookie from 'fetch-cookie';
import { cachingCookieJar } from '../../lib/http/cookie-jar';
import { withCookieJar } from '../../lib/http/default-fetch';
import type { FetchLike } from '../../lib';
import { until } from '../helpers';

// Answers each request with the Set-Cookie headers the test queued for it (none if none),
// and records the Cookie header each request carried.
let server: Server;
let origin: string;
let answers: string[][] = [];
let sent: Array<string | undefined> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    sent.push(req.headers.cookie);
    const setCookie = answers.shift() ?? [];
    if (setCookie.length > 0) res.setHeader('set-cookie', setCookie);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

let fetch: FetchLike;
beforeEach(() => {
  answers = [];
  sent = [];
  fetch = withCookieJar();
});

// Each request in turn, its answer's Set-Cookie given: the Cookie header of each.
const exchange = async (...requests: Array<[path: string, setCookie: string[]]>) => {
  for (const [path, setCookie] of requests) {
    answers.push(setCookie);
    await (await fetch(origin + path)).text();
  }
  return sent;
};

const future = (ms: number) => new Date(Date.now() + ms).toUTCString();
const past = new Date(0).toUTCString();
const session = (value: string, attributes = `Path=/; Expires=${future(3_600_000)}`) =>
  `hf-chat=${value}; ${attributes}; HttpOnly; SameSite=None`;

describe('the default cookie jar (fetch-cookie, tough-cookie, asked only when needed)', () => {
  it('sends the session cookie the server sets again on every answer', async () => {
    const cookie = session('a');
    expect(
      await exchange(['/', [cookie]], ['/settings', [cookie]], ['/conversation', [cookie]]),
    ).toEqual([undefined, 'hf-chat=a', 'hf-chat=a']);
  });

  it('sends a changed value at once', async () => {
    expect(
      await exchange(
        ['/', [session('a')]],
        ['/x', [session('b')]],
        ['/y', [session('a')]],
        ['/z', []],
      ),
    ).toEqual([undefined, 'hf-chat=a', 'hf-chat=b', 'hf-chat=a']);
  });

  it('drops a cookie the server expires, even one it set with the same text before', async () => {
    const gone = session('a', `Path=/; Expires=${past}`);
    expect(
      await exchange(
        ['/', [session('a')]],
        ['/', [gone]],
        ['/', [session('a')]],
        ['/', [gone]],
        ['/', []],
      ),
    ).toEqual([undefined, 'hf-chat=a', undefined, 'hf-chat=a', undefined]);
  });

  it('stops sending a cookie once its Expires has passed', async () => {
    // Expires has whole seconds: this one ends within two.
    const expires = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    const cookie = session('a', `Path=/; Expires=${new Date(expires).toUTCString()}`);
    await exchange(['/', [cookie]], ['/', [cookie]]);
    await until(() => Date.now() > expires, 5000, 'the cookie expired');
    expect(await exchange(['/', []])).toEqual([undefined, 'hf-chat=a', undefined]);
  });

  it('stores a Max-Age cookie every time (Max-Age=0 drops it)', async () => {
    const cookie = session('a', 'Path=/; Max-Age=3600');
    expect(await exchange(['/', [cookie]], ['/', [cookie]], ['/', []])).toEqual([
      undefined,
      'hf-chat=a',
      'hf-chat=a',
    ]);
    const gone = session('a', 'Path=/; Max-Age=0');
    expect(await exchange(['/', [gone]], ['/', []])).toEqual([
      undefined,
      'hf-chat=a',
      'hf-chat=a',
      'hf-chat=a',
      undefined,
    ]);
  });

  it('sends a cookie of another path only under that path', async () => {
    const scoped = 'scoped=1; Path=/conversation';
    const cookie = session('a');
    expect(
      await exchange(
        ['/conversation/1', [scoped, cookie]],
        ['/conversation/2', [cookie]],
        ['/settings', [cookie]],
        ['/conversation/3', [cookie]],
      ),
    ).toEqual([undefined, 'scoped=1; hf-chat=a', 'hf-chat=a', 'scoped=1; hf-chat=a']);
  });

  it('sends a cookie without a Path only under the path that set it', async () => {
    const scoped = 'scoped=1';
    expect(
      await exchange(['/conversation/1', [scoped]], ['/conversation/2', []], ['/settings', []]),
    ).toEqual([undefined, 'scoped=1', undefined]);
  });

  it('asks tough-cookie for no header before a cookie is stored, and for one after', async () => {
    const tough = new makeFetchCookie.toughCookie.CookieJar();
    const asked: string[] = [];
    const watched = {
      getCookieString: (url: string) => {
        asked.push(url);
        return tough.getCookieString(url);
      },
      setCookie: (cookie: string, url: string) => tough.setCookie(cookie, url),
    };
    const jar = cachingCookieJar(watched as unknown as typeof tough);
    expect(await jar.getCookieString(`${origin}/`)).toBe('');
    expect(asked).toEqual([]);
    await jar.setCookie(session('a', 'Path=/chat'), `${origin}/chat/x`);
    expect(await jar.getCookieString(`${origin}/`)).toBe('');
    expect(await jar.getCookieString(`${origin}/chat/y`)).toBe('hf-chat=a');
    expect(asked).toEqual([`${origin}/`, `${origin}/chat/y`]);
  });
});
