import { completion$, H2oHttpError } from '../../lib';
import { collect, hello, until } from '../helpers';
import { h2oRoutes, RouteServer, startRouteServer, streamPath } from '../support/route-server';

describe('error bodies', () => {
  let server: RouteServer | undefined;

  it('are read up to their cap, then the body is cancelled (an endless one too)', async () => {
    const limit = 64 * 1024 * 1024;
    let written = 0;
    server = await startRouteServer(
      h2oRoutes(async (req, res) => {
        if (req.path !== streamPath) return void res.writeHead(200).end();
        res.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(16 * 1024);
        // Endless as far as the client can tell: it stops only when the client hangs up (or,
        // should the client read on, after 64 MiB, so that the test ends either way).
        while (!req.ended && written < limit) {
          written += chunk.length;
          if (!res.write(chunk)) {
            // Whichever comes first; the other listener goes too, so none pile up per wait.
            await new Promise<void>((resolve) => {
              const go = () => {
                res.off('drain', go).off('close', go);
                resolve();
              };
              res.once('drain', go).once('close', go);
            });
          }
        }
        res.end();
      }),
    );
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: server.url }));
    expect(error).toBeInstanceOf(H2oHttpError);
    expect((error as H2oHttpError).body).toHaveLength(2048);
    const s = server;
    const stream = () => s.requests.find((r) => r.path === streamPath);
    await until(() => stream()?.ended === true, 10_000, 'the error body closed');
    expect(stream()?.closedEarly).toBe(true);
    expect(written).toBeLessThan(limit);
  });
});
