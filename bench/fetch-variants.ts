// Sizes what each part of the default Node fetch stack costs a short completion, through the
// public `fetch` option (no library change): 30 sequential completions x 200 tokens, cold,
// per variant, interleaved rounds; client CPU ms and wall ms per completion, and the raw
// client beside them. `npm run build && node --import tsx bench/fetch-variants.ts`; see
// bench/PROFILE.md.
import crossFetch from 'cross-fetch';
import makeFetchCookie from 'fetch-cookie';
import * as http from 'node:http';
import type { FetchLike } from '../lib';
import { lib } from './built';
import { spawnEmulator } from './child';
import { rawCompletion, rawInputs } from './raw-client';
import { askFor } from './reply';
import { cpuMs, fmt, median } from './stats';

const TOKENS = 200;
const COUNT = 30;
const ROUNDS = 5;

const agent = new http.Agent({ keepAlive: true, timeout: 4000 });

// The least a cookie jar can do for one server: keep the last `name=value` of each cookie.
const headerJar = (inner: FetchLike): FetchLike => {
  const jar = new Map<string, string>();
  return async (input, init = {}) => {
    const headers = { ...(init.headers as Record<string, string>) };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await inner(input, { ...init, headers });
    const set = response.headers.get('set-cookie');
    if (set) {
      for (const one of set.split(/,(?=\s*[^;,=\s]+=)/)) {
        const pair = one.split(';', 1)[0].trim();
        const eq = pair.indexOf('=');
        if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    }
    return response;
  };
};

// A sizing experiment, not a jar to ship: tough-cookie's jar, asked only when something may
// have changed. A Set-Cookie equal to the last one is skipped (the server refreshes its
// cookie on every answer), and the Cookie header is reused until a Set-Cookie changes the jar.
// (Exact for one server and path-/ cookies that do not expire mid-completion.)
type Jar = InstanceType<typeof makeFetchCookie.toughCookie.CookieJar>;
const cachingJar = (): Jar => {
  const jar = new makeFetchCookie.toughCookie.CookieJar();
  let lastSet: string | undefined;
  let header: string | undefined;
  return {
    getCookieString: async (url: string) => (header ??= await jar.getCookieString(url)),
    setCookie: async (cookie: string, url: string, options: object) => {
      if (cookie === lastSet) return undefined;
      lastSet = cookie;
      header = undefined;
      return jar.setCookie(cookie, url, options);
    },
  } as unknown as Jar;
};

const nodeFetch: FetchLike = (input, init) =>
  crossFetch(input as string, { agent, ...init } as RequestInit) as unknown as Promise<Response>;
// The least a fetch on node:http can be for the library (status, headers.get, a Node body):
// what is left beside it is the cost of our own layers.
const httpFetch: FetchLike = (input, init = {}) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      String(input),
      {
        agent,
        method: init.method,
        headers: init.headers as Record<string, string>,
        signal: init.signal ?? undefined,
      },
      (res) => {
        const header = (name: string) => {
          const value = res.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        };
        resolve({
          status: res.statusCode ?? 0,
          type: 'basic',
          url: String(input),
          headers: {
            get: header,
            getSetCookie: () => res.headers['set-cookie'] ?? [],
          },
          body: res,
        } as unknown as Response);
      },
    );
    req.on('error', reject);
    req.end(init.body as string | undefined);
  });
const undici: FetchLike = (input, init) => globalThis.fetch(input, init);

// Each a factory: a fresh jar per completion, as the default is.
const variants: Record<string, (() => FetchLike) | undefined> = {
  'default (fetch-cookie + node-fetch, shared agent)': undefined,
  'node-fetch + shared agent, header jar': () => headerJar(nodeFetch),
  'fetch-cookie (caching jar) + node-fetch': () =>
    makeFetchCookie(nodeFetch as typeof fetch, cachingJar()) as unknown as FetchLike,
  'fetch-cookie + native fetch (undici)': () =>
    makeFetchCookie(undici as typeof fetch) as unknown as FetchLike,
  'native fetch (undici), header jar': () => headerJar(undici),
  'fetch-cookie + node:http mini fetch': () =>
    makeFetchCookie(httpFetch as typeof fetch) as unknown as FetchLike,
  'node:http mini fetch, header jar': () => headerJar(httpFetch),
};

const libOne = (url: string, make?: () => FetchLike) =>
  new Promise<void>((resolve, reject) => {
    let count = 0;
    lib
      .completion$('falcon-40b', [{ role: 'user', content: askFor(TOKENS) }], {
        baseUrl: url,
        maxNewTokens: 1_000_000,
        fetch: make?.(),
      })
      .subscribe({
        next: () => void count++,
        error: reject,
        complete: () => (count === TOKENS ? resolve() : reject(new Error(`${count} tokens`))),
      });
  });

const rawOne = async (url: string) => {
  const { count } = await rawCompletion(url, rawInputs(TOKENS), 'parse');
  if (count !== TOKENS) throw new Error(`raw: ${count} tokens`);
};

const main = async () => {
  const emu = await spawnEmulator({ tokenDelayMs: 0 });
  const sides: [string, () => Promise<void>][] = [
    ...Object.entries(variants).map(([name, make]): [string, () => Promise<void>] => [
      name,
      () => libOne(emu.url, make),
    ]),
    ['raw node:http', () => rawOne(emu.url)],
  ];
  const cpu = new Map(sides.map(([name]) => [name, [] as number[]]));
  const wall = new Map(sides.map(([name]) => [name, [] as number[]]));
  try {
    for (const [, one] of sides) for (let i = 0; i < 10; i++) await one(); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < sides.length; i++) {
        const [name, one] = sides[(round + i) % sides.length];
        const used = process.cpuUsage();
        const started = performance.now();
        for (let n = 0; n < COUNT; n++) await one();
        wall.get(name)?.push((performance.now() - started) / COUNT);
        cpu.get(name)?.push(cpuMs(used) / COUNT);
      }
    }
  } finally {
    await emu.close();
  }
  const rawCpu = median(cpu.get('raw node:http') ?? []);
  console.log('variant: client CPU ms per completion (x raw), wall ms per completion');
  for (const [name] of sides) {
    const c = median(cpu.get(name) ?? []);
    console.log(
      `${name.padEnd(52)} ${fmt(c, 2)} (${fmt(c / rawCpu, 2)}x)  ${fmt(median(wall.get(name) ?? []), 2)}`,
    );
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
