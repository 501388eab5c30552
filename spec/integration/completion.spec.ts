import { lastValueFrom, map, take, toArray } from 'rxjs';
import { completion$, completionEvents$, CompletionEvent, FetchLike, openSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, cookieOf, hello, ofStep, quiet, seen, until } from '../helpers';

const reply = () => ['Hello', ',', ' world', '!'];

describe('completion$ against the emulator (dialect h2o)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  it('streams the tokens in order and completes', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(toArray()),
    );
    expect(tokens).toEqual(['Hello', ',', ' world', '!']);
    // A finished answer closes nothing early and asks nothing to stop.
    await quiet(emu);
    expect(emu.requests.map((r) => r.closedEarly)).toEqual([false, false, false, false]);
    expect(ofStep(emu, 'stop')).toHaveLength(0);
  });

  it('makes the four requests of the protocol, in order, with the right shapes', async () => {
    await lastValueFrom(completion$('falcon-7b', hello, { baseUrl: emu.url }).pipe(toArray()));
    expect(seen(emu)).toEqual([
      'GET /',
      'POST /settings',
      'POST /conversation',
      'POST /conversation/:id',
    ]);
    const [root, settings, conversation, stream] = emu.requests;
    expect(root.status).toBe(200);

    expect(settings.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(settings.headers.referer).toBe(`${emu.url}/`);
    expect(settings.headers.accept).toBe('application/json');
    expect(settings.body).toBe(
      'ethicsModalAccepted=true&shareConversationsWithModelAuthors=true&ethicsModalAcceptedAt=' +
        '&activeModel=h2oai%2Fh2ogpt-gm-oasst1-en-2048-falcon-7b-v3&searchEnabled=true',
    );
    expect(settings.status).toBe(200);

    expect(conversation.headers['content-type']).toBe('application/json');
    expect(conversation.headers.accept).toBe('application/json');
    expect(JSON.parse(conversation.body)).toEqual({
      model: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
    });

    const body = JSON.parse(stream.body);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(body).toEqual({
      inputs: 'user: Say hello\nassistant:',
      parameters: {
        temperature: 0.4,
        truncate: 2048,
        max_new_tokens: 1024,
        do_sample: true,
        repetition_penalty: 1.2,
        return_full_text: false,
      },
      stream: true,
      options: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        response_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        is_retry: false,
        use_cache: false,
        web_search_id: '',
      },
    });
    // One session: the cookie minted by GET / is carried by every later request.
    const cookie = cookieOf(settings);
    expect(cookie).toBeDefined();
    expect([conversation, stream].map(cookieOf)).toEqual([cookie, cookie]);
  });

  it('is cold: nothing is sent before subscribing, and each subscription is a new session', async () => {
    let fetched = 0;
    const counting: FetchLike = () => {
      fetched++;
      return Promise.reject(new Error('a cold completion fetches nothing'));
    };
    completion$('falcon-40b', hello, { baseUrl: emu.url, fetch: counting });
    // A fetch started on creation would show here, or once pending callbacks have run.
    expect(fetched).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(fetched).toBe(0);
    const source = completion$('falcon-40b', hello, { baseUrl: emu.url });
    await lastValueFrom(source.pipe(toArray()));
    await lastValueFrom(source.pipe(toArray()));
    expect(ofStep(emu, 'session')).toHaveLength(2);
    const cookies = ofStep(emu, 'stream').map(cookieOf);
    expect(cookies[0]).toBeDefined();
    expect(cookies[0]).not.toBe(cookies[1]);
    // The second session's GET / came with no cookie: jars are not shared.
    expect(cookieOf(ofStep(emu, 'session')[1])).toBeUndefined();
  });

  it('sends a full model id as is, and extra headers on every request', async () => {
    const { error } = await collect(
      completion$('org/full-model-id', hello, { baseUrl: emu.url, headers: { 'x-trace': 'abc' } }),
    );
    // The emulator, like the real server, knows only its own models: 500 at the settings.
    expect(error).toMatchObject({ name: 'H2oHttpError', step: 'settings', status: 500 });
    expect(ofStep(emu, 'settings')[0].body).toContain('activeModel=org%2Ffull-model-id');
    expect(emu.requests.map((r) => r.headers['x-trace'])).toEqual(['abc', 'abc']);
  });

  it('sends the extra parameters and ids as given', async () => {
    const id = '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d';
    await lastValueFrom(
      completion$('falcon-40b', hello, {
        baseUrl: emu.url,
        temperature: 0.9,
        maxNewTokens: 50,
        id,
        parameters: { top_p: 0.5, seed: 7 },
      }).pipe(toArray()),
    );
    const body = JSON.parse(ofStep(emu, 'stream')[0].body);
    expect(body.parameters).toMatchObject({
      temperature: 0.9,
      max_new_tokens: 50,
      top_p: 0.5,
      seed: 7,
    });
    expect(body.options.id).toBe(id);
    expect(body.stream).toBe(true);
  });

  it('emits the ordinary last token of a stream stopped on length', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, maxNewTokens: 2 }).pipe(toArray()),
    );
    expect(tokens).toEqual(['Hello', ',']);
  });

  it('emits the whole answer once with stream: false, still streaming on the wire', async () => {
    const values = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, stream: false }).pipe(toArray()),
    );
    expect(values).toEqual(['Hello, world!']);
    expect(JSON.parse(ofStep(emu, 'stream')[0].body).stream).toBe(true);
  });

  it('stops at a custom end token without emitting it, and tells the server to stop', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, endToken: ' world' }).pipe(toArray()),
    );
    expect(tokens).toEqual(['Hello', ',']);
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
  });

  it('deletes the conversation afterwards with deleteAfter', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url, deleteAfter: true }).pipe(toArray()),
    );
    expect(tokens.join('')).toBe('Hello, world!');
    // Fire and forget: the answer does not wait for it.
    await until(() => ofStep(emu, 'delete')[0]?.status !== undefined, 3000, 'the DELETE');
    const del = ofStep(emu, 'delete');
    expect(del).toHaveLength(1);
    expect(del[0].method).toBe('DELETE');
    expect(del[0].path).toBe(ofStep(emu, 'stream')[0].path);
    expect(del[0].status).toBe(200);
  });
});

describe('completionEvents$', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  it('emits each step with its time, the tokens with metadata, then done', async () => {
    const events = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url }).pipe(toArray()),
    );
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.step)).toEqual(['session', 'settings', 'conversation', 'stream']);
    steps.forEach((e) => expect(e.ms).toBeGreaterThanOrEqual(0));
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.map((t) => t.text)).toEqual(['Hello', ',', ' world', '!']);
    expect(tokens[0]).toMatchObject({
      special: false,
      id: expect.any(Number),
      logprob: expect.any(Number),
    });
    const done = events[events.length - 1] as Extract<CompletionEvent, { type: 'done' }>;
    expect(done).toEqual({
      type: 'done',
      text: 'Hello, world!',
      tokens: 4,
      conversationId: ofStep(emu, 'stream')[0].path.split('/')[2],
    });
    expect(events.map((e) => e.type)).toEqual([
      'step',
      'step',
      'step',
      'step',
      'token',
      'token',
      'token',
      'token',
      'done',
    ]);
  });

  it('emits no token events with stream: false', async () => {
    const types = await lastValueFrom(
      completionEvents$('falcon-40b', hello, { baseUrl: emu.url, stream: false }).pipe(
        map((e) => e.type),
        toArray(),
      ),
    );
    expect(types).toEqual(['step', 'step', 'step', 'step', 'done']);
  });
});

describe('openSession', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply });
  });
  afterEach(() => emu.close());

  it('is cold, and makes GET / and POST /settings with the chosen model', async () => {
    const session$ = openSession({ baseUrl: emu.url, model: 'llama-13b' });
    expect(emu.requests).toHaveLength(0);
    const session = await lastValueFrom(session$);
    expect(session.baseUrl).toBe(emu.url);
    expect(seen(emu)).toEqual(['GET /', 'POST /settings']);
    expect(emu.requests[1].body).toContain(
      'activeModel=h2oai%2Fh2ogpt-gm-oasst1-en-2048-open-llama-13b',
    );
  });

  it('runs completions on one session at two requests each, sharing one cookie', async () => {
    const session = await lastValueFrom(openSession({ baseUrl: emu.url }));
    const first = await lastValueFrom(
      completion$('falcon-40b', hello, { session }).pipe(toArray()),
    );
    const second = await lastValueFrom(
      completion$('falcon-40b', hello, { session }).pipe(toArray()),
    );
    expect(first.join('')).toBe('Hello, world!');
    expect(second.join('')).toBe('Hello, world!');
    expect(seen(emu)).toEqual([
      'GET /',
      'POST /settings',
      'POST /conversation',
      'POST /conversation/:id',
      'POST /conversation',
      'POST /conversation/:id',
    ]);
    const cookies = new Set(emu.requests.slice(1).map(cookieOf));
    expect(cookies.size).toBe(1);
  });

  it('fails with an H2oHttpError when the server refuses the settings', async () => {
    emu.inject({
      step: 'settings',
      status: 403,
      body: 'Invalid referer for POST request',
      contentType: 'text/plain',
    });
    const { error } = await collect(openSession({ baseUrl: emu.url }));
    expect(error).toMatchObject({ name: 'H2oHttpError', status: 403, step: 'settings' });
  });
});

describe('a completion cut short by take', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ reply, tokenDelayMs: 20 });
  });
  afterEach(() => emu.close());

  it('closes the socket and sends stop-generating', async () => {
    const tokens = await lastValueFrom(
      completion$('falcon-40b', hello, { baseUrl: emu.url }).pipe(take(2), toArray()),
    );
    expect(tokens).toEqual(['Hello', ',']);
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
    await until(() => ofStep(emu, 'stream')[0].finished, 3000, 'stream closed');
    expect(ofStep(emu, 'stream')[0].closedEarly).toBe(true);
    expect(ofStep(emu, 'stop')[0].path).toBe(`${ofStep(emu, 'stream')[0].path}/stop-generating`);
  });
});
