import { lastValueFrom, toArray } from 'rxjs';
import { completion$, isRetryable } from '../../lib';
import { startScriptedServer, ScriptedServer } from '../support/scripted-server';
import { collect, hello, until } from '../helpers';

const tgi = (text: string, special = false, final: string | null = null) =>
  `data:${JSON.stringify({ token: { id: 1, text, logprob: -1, special }, generated_text: final, details: null })}\n\n`;

describe('protocol edges (a scripted server)', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const run = async (stream: Parameters<typeof startScriptedServer>[0], options = {}) => {
    server = await startScriptedServer(stream);
    return collect(completion$('falcon-40b', hello, { baseUrl: server.url, ...options }));
  };

  it('ends at a special end token mid-stream, without waiting for the final event', async () => {
    const { values, completed } = await run({
      contentType: 'text/event-stream',
      chunks: [tgi('Hi'), tgi('<|endoftext|>', true)],
      hold: true,
    });
    expect(completed).toBe(true);
    expect(values).toEqual(['Hi']);
    const s = server as ScriptedServer;
    await until(() => s.seen.some((r) => r.endsWith('/stop-generating')), 3000, 'stop');
    expect(s.closedEarly).toEqual(['POST /conversation/0123456789abcdef01234567']);
  });

  it('takes a 303 from the settings as success, without following it', async () => {
    const { values } = await run({
      contentType: 'text/event-stream',
      chunks: [tgi('Hi'), tgi('<|endoftext|>', true, 'Hi')],
      settingsRedirect: true,
    });
    expect(values).toEqual(['Hi']);
    // No GET of the Location: a fifth request would be for nothing.
    expect((server as ScriptedServer).seen).toEqual([
      'GET /',
      'POST /settings',
      'POST /conversation',
      'POST /conversation/0123456789abcdef01234567',
    ]);
  });

  it('skips other special tokens mid-stream', async () => {
    const { values } = await run({
      contentType: 'text/event-stream',
      chunks: [tgi('<s>', true), tgi('Hi'), tgi('', false), tgi('<|endoftext|>', true, 'Hi')],
    });
    expect(values).toEqual(['Hi']);
  });

  it('completes on the final event even if the server keeps the connection open', async () => {
    const { values, completed } = await run({
      contentType: 'text/event-stream',
      chunks: [tgi('A'), tgi('<|endoftext|>', true, 'A')],
      hold: true,
    });
    expect([values, completed]).toEqual([['A'], true]);
    const s = server as ScriptedServer;
    // The rest of the body is awaited for a while (a normal end keeps the connection), then cut.
    expect(s.closedEarly).toEqual([]);
    await until(() => s.closedEarly.length === 1, 3000, 'the held stream closed');
    expect(s.closedEarly).toEqual(['POST /conversation/0123456789abcdef01234567']);
    expect(s.seen.some((r) => r.endsWith('/stop-generating'))).toBe(false);
  });

  it('reads a stream with CRLF, `data: ` with a space, comments, split mid-character', async () => {
    const body = Buffer.from(
      ': ping\r\n\r\n' +
        tgi('Grüß').replace('data:', 'data: ').replace(/\n/g, '\r\n') +
        tgi(' 👋').replace(/\n/g, '\r\n') +
        tgi('<|endoftext|>', true, 'Grüß 👋').replace(/\n/g, '\r\n'),
    );
    // Cut inside a multi-byte character.
    const at = body.indexOf(Buffer.from('👋')) + 2;
    const { values } = await run({
      contentType: 'text/event-stream',
      chunks: [body.subarray(0, at), body.subarray(at)],
    });
    expect(values).toEqual(['Grüß', ' 👋']);
  });

  it('an HTML page with status 200 where the stream should be is unexpected-response', async () => {
    const { error } = await run({
      contentType: 'text/html',
      chunks: ['<!DOCTYPE html>\n<html><body>Please sign in</body></html>\n'],
    });
    expect(error).toMatchObject({ step: 'stream', reason: 'unexpected-response' });
    expect(isRetryable(error)).toBe(false);
  });

  it('sniffs the format from the first line, whatever the content type says', async () => {
    const { values } = await run({
      contentType: 'application/json',
      chunks: [tgi('Hi'), tgi('<|endoftext|>', true, 'Hi')],
    });
    expect(values).toEqual(['Hi']);
  });

  it('emits the whole answer once with stream: false even if cut by a custom end token', async () => {
    server = await startScriptedServer({
      contentType: 'text/event-stream',
      chunks: [tgi('One'), tgi(' two'), tgi(' STOP'), tgi(' more')],
      hold: true,
    });
    const values = await lastValueFrom(
      completion$('falcon-40b', hello, {
        baseUrl: server.url,
        stream: false,
        endToken: ' STOP',
      }).pipe(toArray()),
    );
    expect(values).toEqual(['One two']);
  });
});
