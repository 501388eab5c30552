import crossFetch from 'cross-fetch';
import {
  completion$,
  FetchLike,
  H2oError,
  H2oNetworkError,
  H2oProtocolError,
  isRetryable,
} from '../../lib';
import { collect, hello } from '../helpers';
import {
  h2oRoutes,
  RouteServer,
  startRouteServer,
  streamPath,
  tgiEvent,
} from '../support/route-server';

// The real answer, with one property of it replaced (what a broken or exotic fetch gives).
const altered =
  (property: string, value: unknown): FetchLike =>
  async (input, init) => {
    const response = (await crossFetch(input, init as never)) as unknown as Response;
    return new Proxy(response, {
      get: (target, key) => (key === property ? value : (Reflect.get(target, key) as unknown)),
    });
  };

describe('what becomes a network error', () => {
  let server: RouteServer | undefined;

  const start = async () => {
    server = await startRouteServer(
      h2oRoutes((req, res) => {
        if (req.path !== streamPath) return void res.writeHead(200).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // The connection fails mid-body.
        res.write(tgiEvent('Hi'), () => res.destroy());
      }),
    );
    return server.url;
  };

  it('a connection that fails mid-body is an H2oNetworkError (retryable)', async () => {
    const baseUrl = await start();
    const { values, error } = await collect(completion$('falcon-40b', hello, { baseUrl }));
    expect(values).toEqual(['Hi']);
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(isRetryable(error)).toBe(true);
  });

  it('a body of a type no fetch gives is unexpected-response, not retryable', async () => {
    const baseUrl = await start();
    const fetch = altered('body', 'a string body');
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl, fetch }));
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect((error as H2oProtocolError).reason).toBe('unexpected-response');
    expect((error as H2oError).step).toBe('session');
    expect(isRetryable(error)).toBe(false);
  });

  it('a TypeError inside the library is an H2oError that is not retryable', async () => {
    const baseUrl = await start();
    const fetch = altered('headers', undefined);
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl, fetch }));
    expect(error).toBeInstanceOf(H2oError);
    expect(error).not.toBeInstanceOf(H2oNetworkError);
    expect((error as H2oError).cause).toBeInstanceOf(TypeError);
    expect(isRetryable(error)).toBe(false);
  });
});
