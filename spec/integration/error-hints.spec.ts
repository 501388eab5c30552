import { completion$, Dialect, H2oHttpError } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, hello } from '../helpers';

describe('HTTP errors that say what went wrong', () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  const fail = async (server: Dialect, client: Dialect, fetch = globalThis.fetch) => {
    emu = await startEmulator({ dialect: server });
    const { error } = await collect(
      completion$('falcon-40b', hello, { baseUrl: emu.url, dialect: client, fetch }),
    );
    expect(error).toBeInstanceOf(H2oHttpError);
    return error as H2oHttpError;
  };

  // Node's own fetch keeps no cookies.
  it.each([
    ['h2o', 405],
    ['chat-ui', 404],
  ] as const)('dialect %s: a lost session cookie reads as one (%i)', async (dialect, status) => {
    const error = await fail(dialect, dialect);
    expect(error.status).toBe(status);
    expect(error.message).toMatch(/session cookie/);
    expect(error.message).toMatch(/withCookieJar/);
    expect(error.message).toMatch(/https/);
  });

  it("an h2o client on today's chat-ui: the server looks like dialect chat-ui", async () => {
    const error = await fail('chat-ui', 'h2o', undefined);
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/dialect: 'chat-ui'/);
  });

  it('a chat-ui client on the 2023 server: the server looks like dialect h2o', async () => {
    const error = await fail('h2o', 'chat-ui', undefined);
    expect(error.status).toBe(405);
    expect(error.message).toMatch(/dialect: 'h2o'/);
  });
});
