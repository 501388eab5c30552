import { completion$ } from '../../lib';
import { collect, hello, until } from '../helpers';
import {
  h2oRoutes,
  RouteServer,
  startRouteServer,
  streamPath,
  tgiEvent,
} from '../support/route-server';

describe('after the final event', () => {
  let server: RouteServer | undefined;

  it('more tokens (not the protocol tail) close the connection at once', async () => {
    let extra = 0;
    server = await startRouteServer(
      h2oRoutes(async (req, res) => {
        if (req.path !== streamPath) return void res.writeHead(200).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(tgiEvent('Hi') + tgiEvent('<|endoftext|>', true, 'Hi'));
        // A server that streams on after its final event, every 20 ms, until the client hangs up.
        while (!req.ended && extra < 500) {
          await new Promise((r) => setTimeout(r, 20));
          extra++;
          res.write(tgiEvent(' more'));
        }
        res.end();
      }),
    );
    const s = server;
    const { values, completed } = await collect(
      completion$('falcon-40b', hello, { baseUrl: s.url }),
    );
    expect([values, completed]).toEqual([['Hi'], true]);
    await until(() => s.requests.find((r) => r.path === streamPath)?.ended === true, 5000, 'close');
    // Reading on for the linger's second would have let some 50 through.
    expect(extra).toBeLessThan(10);
  });
});
