import crossFetch from 'cross-fetch';
import { lastValueFrom } from 'rxjs';
import { completionEvents$, H2oInputError, openSession } from '../../lib';
import type { CompletionOptions, Dialect, FetchLike, H2oSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { hello } from '../helpers';

// API.md §1, "Input rules beyond the table": each an H2oInputError before any request.
describe.each(['h2o', 'chat-ui'] as const)('input rules (dialect %s)', (dialect: Dialect) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ dialect });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  const refused = async (options: CompletionOptions): Promise<H2oInputError> => {
    const run = lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url, dialect, ...options }),
    );
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(H2oInputError);
    await emu.settled();
    expect(emu.requests).toEqual([]);
    return err as H2oInputError;
  };

  it('a header name that is not an HTTP token', async () => {
    expect((await refused({ headers: { 'x bad': '1' } })).message).toMatch(/x bad/);
    await refused({ headers: { 'x-a:b': '1' } });
  });

  it.each([
    ['CR LF', 'a\r\nx-injected: 1'],
    ['LF', 'a\nb'],
    ['NUL', 'a\0b'],
  ])('a header value holding %s', async (_, value) => {
    expect((await refused({ headers: { 'x-trace': value } })).message).toMatch(/x-trace/);
  });

  it('a prompt that throws, with what it threw as the cause', async () => {
    const thrown = new Error('template missing');
    const err = await refused({
      prompt: () => {
        throw thrown;
      },
    });
    expect(err.cause).toBe(thrown);
    expect(err.message).toMatch(/template missing/);
  });

  it('a session on another server, or in the other dialect', async () => {
    const session: H2oSession = {
      baseUrl: emu.url,
      dialect,
      fetch: crossFetch as unknown as FetchLike,
      model: 'm',
    };
    const other: Dialect = dialect === 'h2o' ? 'chat-ui' : 'h2o';
    expect((await refused({ session, baseUrl: 'http://127.0.0.1:9' })).message).toMatch(/baseUrl/);
    expect((await refused({ session, dialect: other })).message).toMatch(/dialect/);
  });

  it('a session repeated with its own baseUrl and dialect is accepted', async () => {
    const session = await lastValueFrom(openSession({ baseUrl: emu.url, dialect }));
    const done = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { session, baseUrl: `${emu.url}/`, dialect }),
    );
    expect(done).toEqual(expect.objectContaining({ type: 'done' }));
  });
});

describe('input rules (dialect h2o): parameters JSON cannot carry', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  it.each([
    ['a BigInt', { seed: BigInt(1) }],
    [
      'a cycle',
      (() => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return cyclic;
      })(),
    ],
  ])('%s is an input error with its cause, before any request', async (_, parameters) => {
    const err = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url, parameters }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(H2oInputError);
    expect((err as H2oInputError).message).toMatch(/parameters/);
    expect((err as H2oInputError).cause).toBeInstanceOf(TypeError);
    await emu.settled();
    expect(emu.requests).toEqual([]);
  });
});

describe('input rules (dialect chat-ui): no sampling options', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ dialect: 'chat-ui' });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  it('names every sampling option passed, before any request', async () => {
    const err = await lastValueFrom(
      completionEvents$('falcon-40b', hello, {
        baseUrl: emu.url,
        dialect: 'chat-ui',
        temperature: 0.5,
        truncate: 10,
        maxNewTokens: 5,
        doSample: false,
        repetitionPenalty: 1.1,
        returnFullText: false,
        parameters: { top_p: 0.9 },
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(H2oInputError);
    for (const name of [
      'temperature',
      'truncate',
      'maxNewTokens',
      'doSample',
      'repetitionPenalty',
      'returnFullText',
      'parameters',
    ]) {
      expect((err as H2oInputError).message).toContain(name);
    }
    await emu.settled();
    expect(emu.requests).toEqual([]);
  });

  it.each(['temperature', 'parameters'] as const)('names %s alone', async (name) => {
    const options: CompletionOptions =
      name === 'temperature' ? { temperature: 0.5 } : { parameters: {} };
    const err = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url, dialect: 'chat-ui', ...options }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as H2oInputError).message).toMatch(new RegExp(`: ${name}$`));
    expect(emu.requests).toEqual([]);
  });
});
