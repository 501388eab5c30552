import { lastValueFrom } from 'rxjs';
import { completion$, openSession } from '../../lib';
import { collect, hello } from '../helpers';
import {
  answerHi,
  h2oRoutes,
  RouteServer,
  startRouteServer,
  streamPath,
} from '../support/route-server';

describe('user headers', () => {
  let server: RouteServer | undefined;

  it('that differ from the protocol headers only in case do not override them', async () => {
    server = await startRouteServer(h2oRoutes(answerHi));
    const headers = { 'Content-Type': 'text/plain', ACCEPT: 'text/html', 'X-Extra': 'kept' };
    const { values } = await collect(
      completion$('falcon-40b', hello, { baseUrl: server.url, headers }),
    );
    expect(values).toEqual(['Hi']);
    const stream = server.requests.find((r) => r.path === streamPath);
    expect(stream?.headers['content-type']).toBe('application/json');
    expect(stream?.headers.accept).toBe('text/event-stream,application/json');
    expect(stream?.headers['x-extra']).toBe('kept');
  });

  it("openSession's headers go with the completions that use the session", async () => {
    server = await startRouteServer(h2oRoutes(answerHi));
    const session = await lastValueFrom(
      openSession({ baseUrl: server.url, headers: { 'x-team': 'blue' } }),
    );
    const { values } = await collect(
      completion$('falcon-40b', hello, { session, headers: { 'x-call': '1' } }),
    );
    expect(values).toEqual(['Hi']);
    const stream = server.requests.find((r) => r.path === streamPath);
    expect([stream?.headers['x-team'], stream?.headers['x-call']]).toEqual(['blue', '1']);
  });
});
