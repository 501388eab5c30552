import { completion$, H2oHttpError } from '../../lib';
import { collect, hello } from '../helpers';
import { h2oRoutes, RouteServer, startRouteServer, streamPath } from '../support/route-server';

// SvelteKit 1.15 splits Accept on "," and does not trim what follows: " application/json"
// (after a space) matches nothing, and the error comes back as an HTML page.
const wantsJson = (accept: string | undefined) =>
  (accept ?? '').split(',').some((part) => /^(application\/json|\*\/\*)(;|$)/.test(part));

describe('Accept headers the 2023 server negotiates', () => {
  let server: RouteServer | undefined;

  it('a 429 at the stream step keeps the server JSON message', async () => {
    server = await startRouteServer(
      h2oRoutes((req, res) => {
        if (req.path !== streamPath) return void res.writeHead(200).end();
        if (wantsJson(req.headers.accept)) {
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ message: 'You are sending too many messages. Try again later.' }),
          );
        } else {
          res.writeHead(429, { 'content-type': 'text/html' }).end('<!doctype html><p>429</p>');
        }
      }),
    );
    const { error } = await collect(completion$('falcon-40b', hello, { baseUrl: server.url }));
    expect(error).toBeInstanceOf(H2oHttpError);
    expect((error as H2oHttpError).status).toBe(429);
    expect((error as H2oHttpError).message).toContain('You are sending too many messages');
  });

  it('every JSON request of either dialect asks for JSON in a form SvelteKit 1.15 reads', async () => {
    server = await startRouteServer(
      h2oRoutes((req, res) => {
        if (req.path.startsWith('/api/v2/conversations/')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ json: { rootMessageId: 'root' } }));
        }
        res.writeHead(500, { 'content-type': 'text/plain' }).end('x');
      }),
    );
    await collect(completion$('falcon-40b', hello, { baseUrl: server.url }));
    await collect(completion$('m', hello, { baseUrl: server.url, dialect: 'chat-ui' }));
    const accepts = server.requests
      .filter((r) => r.path !== '/')
      .map((r) => [`${r.method} ${r.path}`, wantsJson(r.headers.accept)]);
    expect(accepts.map(([what]) => what)).toEqual([
      'POST /settings',
      'POST /conversation',
      'POST /conversation/0123456789abcdef01234567',
      'POST /conversation',
      'GET /api/v2/conversations/0123456789abcdef01234567',
      'POST /conversation/0123456789abcdef01234567',
    ]);
    expect(accepts.filter(([, json]) => !json)).toEqual([]);
  });
});
