import { completion$, H2oProtocolError, isRetryable } from '../../lib';
import { collect, hello } from '../helpers';
import {
  h2oRoutes,
  RouteServer,
  startRouteServer,
  streamPath,
  tgiEvent,
} from '../support/route-server';

describe('the end of the stream body', () => {
  let server: RouteServer | undefined;

  const streaming = (body: string) =>
    startRouteServer(
      h2oRoutes((req, res) => {
        if (req.path !== streamPath) return void res.writeHead(200).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(body);
      }),
    );

  it.each([
    ['in the middle of a JSON line', tgiEvent('Hi') + 'data:{"token":{"id":1,"te'],
    ['after a whole event line without its line break', tgiEvent('Hi') + tgiEvent('!').trim()],
  ])('a body that ends cleanly %s is truncated (retryable)', async (_, body) => {
    server = await streaming(body);
    const { values, error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: server.url }),
    );
    expect(values).toEqual(['Hi']);
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect((error as H2oProtocolError).reason).toBe('truncated');
    expect(isRetryable(error)).toBe(true);
  });
});
