import { completion$, H2oHttpError, H2oProtocolError, isRetryable, withCookieJar } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, cookieOf, hello, viaLoopback } from '../helpers';
import { answerHi, h2oRoutes, RouteServer, startRouteServer } from '../support/route-server';

describe('the insecure-cookie check', () => {
  let server: RouteServer | undefined;

  // The client believes the server is chat.example over plain http.
  const remote = { baseUrl: 'http://chat.example', fetch: viaLoopback('chat.example') };

  it('ignores a Secure cookie that is not the session cookie (a load balancer)', async () => {
    server = await startRouteServer((req, res) => {
      res.setHeader('set-cookie', ['lb=a1; Path=/; Secure', 'hf-chat=s; Path=/; HttpOnly']);
      return h2oRoutes(answerHi)(req, res);
    });
    const fetch = viaLoopback('chat.example');
    const baseUrl = `http://chat.example:${new URL(server.url).port}`;
    const { values, error } = await collect(completion$('falcon-40b', hello, { baseUrl, fetch }));
    expect(error).toBeUndefined();
    expect(values).toEqual(['Hi']);
  });

  it('looks only at accepted answers: a 503 stays a retryable 503', async () => {
    server = await startRouteServer((req, res) => {
      res.setHeader('set-cookie', 'hf-chat=s; Path=/; HttpOnly; Secure');
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    });
    const baseUrl = `http://chat.example:${new URL(server.url).port}`;
    const { error } = await collect(completion$('falcon-40b', hello, { ...remote, baseUrl }));
    expect(error).toBeInstanceOf(H2oHttpError);
    expect((error as H2oHttpError).status).toBe(503);
    expect(isRetryable(error)).toBe(true);
  });

  it('still refuses a Secure session cookie over plain http', async () => {
    server = await startRouteServer((req, res) => {
      res.setHeader('set-cookie', ['lb=a1; Path=/', 'hf-chat=s; Path=/; HttpOnly; Secure']);
      return h2oRoutes(answerHi)(req, res);
    });
    const baseUrl = `http://chat.example:${new URL(server.url).port}`;
    const { error } = await collect(completion$('falcon-40b', hello, { ...remote, baseUrl }));
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect((error as H2oProtocolError).reason).toBe('insecure-cookie');
  });
});

describe('withCookieJar', () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it("gives Node's own fetch a cookie jar: the session survives the handshake", async () => {
    emu = await startEmulator();
    const fetch = withCookieJar(globalThis.fetch);
    const { values, error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url, fetch }),
    );
    expect(error).toBeUndefined();
    expect(values.join('')).toBe('Hello! You said: Say hello');
    expect(cookieOf(emu.requests[3])).toBe(cookieOf(emu.requests[1]));
  });
});
