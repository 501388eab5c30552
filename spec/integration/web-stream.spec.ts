import makeFetchCookie from 'fetch-cookie';
import { lastValueFrom, toArray } from 'rxjs';
import { completion$, FetchLike } from '../../lib';
import { readBody } from '../../lib/http/body';
import { Emulator, startEmulator } from '../../lib/testing';
import { hello, ofStep, until, unsubscribeWhen } from '../helpers';

// Node's own fetch (undici) gives a WHATWG ReadableStream body, as browsers do.
const webFetch = (): FetchLike => makeFetchCookie(globalThis.fetch) as unknown as FetchLike;

describe('a WHATWG ReadableStream body (native fetch)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({
      reply: () => Array.from({ length: 40 }, (_, i) => ` w${i}`),
      tokenDelayMs: 5,
    });
  });
  afterEach(() => emu.close());

  it('is what native fetch gives', async () => {
    const response = await globalThis.fetch(`${emu.url}/`);
    expect(typeof response.body?.getReader).toBe('function');
    await response.arrayBuffer();
  });

  it('streams every token', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, fetch: webFetch() }).pipe(toArray()),
    );
    expect(tokens).toHaveLength(40);
    expect(tokens[39]).toBe(' w39');
  });

  it('is cancelled on unsubscribe: the server sees the socket close, and a stop request', async () => {
    const { values } = await unsubscribeWhen(
      completion$('falcon-40b', hello, { baseUrl: emu.url, fetch: webFetch() }),
      (v) => v.length === 2,
    );
    expect(values).toEqual([' w0', ' w1']);
    await until(() => ofStep(emu, 'stream')[0].finished, 3000, 'stream closed');
    expect(ofStep(emu, 'stream')[0].closedEarly).toBe(true);
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
  });

  it('readBody reads a ReadableStream and cancels it', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array([65])),
      cancel: () => {
        cancelled = true;
      },
    });
    const reader = readBody(stream, 'stream');
    const iterator = reader.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(new Uint8Array([65]));
    reader.cancel();
    await until(() => cancelled, 1000, 'cancel');
  });
});
