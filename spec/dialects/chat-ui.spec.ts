import { lastValueFrom, toArray } from 'rxjs';
import {
  completion$,
  completionEvents$,
  H2oProtocolError,
  listModels$,
  openSession,
} from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import {
  collect,
  cookieOf,
  hello,
  ofStep,
  seen,
  until,
  unsubscribeWhen,
  viaLoopback,
} from '../helpers';

const reply = () => ['Hello', ',', ' wörld', '!'];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The `data` field of a multipart body.
const dataField = (body: string): Record<string, unknown> => {
  const match = /name="data"\r\n\r\n([\s\S]*?)\r\n--/.exec(body);
  if (!match) throw new Error(`no data field in ${body}`);
  return JSON.parse(match[1]);
};

describe("dialect 'chat-ui' against the emulator", () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ dialect: 'chat-ui', reply });
  });
  afterEach(() => emu.close());

  const run = (model = 'llama3', options = {}) =>
    completion$(model, hello, { baseUrl: emu.url, dialect: 'chat-ui', ...options });

  it('streams the tokens with their padding stripped, and completes', async () => {
    expect(await lastValueFrom(run().pipe(toArray()))).toEqual(['Hello', ',', ' wörld', '!']);
  });

  it('makes two requests: the conversation (JSON) and the stream (multipart, same Origin)', async () => {
    await lastValueFrom(run().pipe(toArray()));
    expect(seen(emu)).toEqual(['POST /conversation', 'POST /conversation/:id']);
    const [conversation, stream] = emu.requests;
    expect(conversation.headers['content-type']).toBe('application/json');
    expect(JSON.parse(conversation.body)).toEqual({ model: 'llama3' });
    expect(stream.headers.origin).toBe(emu.url);
    expect(String(stream.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const data = dataField(stream.body);
    expect(data).toEqual({
      inputs: 'user: Say hello\nassistant:',
      id: expect.stringMatching(uuid),
      is_retry: false,
      is_continue: false,
      generationId: expect.stringMatching(uuid),
    });
    // The cookie minted by POST /conversation is carried by the stream request.
    expect(cookieOf(conversation)).toBeUndefined();
    expect(cookieOf(stream)).toBeDefined();
  });

  it('reports the steps that run and done with finalAnswer.text', async () => {
    const events = await lastValueFrom(
      completionEvents$('llama3', hello, { baseUrl: emu.url, dialect: 'chat-ui' }).pipe(toArray()),
    );
    expect(
      events.filter((e) => e.type === 'step').map((e) => (e as { step: string }).step),
    ).toEqual(['conversation', 'stream']);
    expect(events[events.length - 1]).toEqual({
      type: 'done',
      text: 'Hello, wörld!',
      interrupted: false,
      tokens: 4,
      conversationId: ofStep(emu, 'stream')[0].path.split('/')[2],
    });
  });

  it('maps the aliases, and accepts any non-empty model id', async () => {
    await lastValueFrom(run('falcon-7b').pipe(toArray()));
    expect(JSON.parse(emu.requests[0].body)).toEqual({
      model: 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
    });
  });

  it('uses finalAnswer.text, not the joined tokens, when the server re-runs its backend', async () => {
    emu.inject({ step: 'stream', kind: 'rerun' as never, afterTokens: 2 });
    const { values } = await collect(run('llama3', { stream: false }));
    expect(values).toEqual(['Hello, wörld!']);
  });

  it('turns status error into server-error after the tokens before it', async () => {
    emu.inject({ step: 'stream', kind: 'error-event', afterTokens: 2 });
    const { values, error } = await collect(run());
    expect(values).toEqual(['Hello', ',']);
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect(error).toMatchObject({ step: 'stream', reason: 'server-error' });
  });

  it('a stream that ends without finalAnswer is truncated', async () => {
    emu.inject({ step: 'stream', kind: 'no-final', afterTokens: 2 });
    const { error } = await collect(run());
    expect(error).toMatchObject({ step: 'stream', reason: 'truncated' });
  });

  it('unsubscribing sends stop-generating with the generation id and the characters seen', async () => {
    await emu.close();
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: 20,
      reply: () => Array.from({ length: 30 }, (_, i) => `tok${i} `),
    });
    const { values } = await unsubscribeWhen(run(), (v) => v.length === 3);
    expect(values).toEqual(['tok0 ', 'tok1 ', 'tok2 ']);
    await until(() => ofStep(emu, 'stop').length === 1, 3000, 'stop-generating');
    const stop = ofStep(emu, 'stop')[0];
    const stream = ofStep(emu, 'stream')[0];
    expect(stop.path).toBe(`${stream.path}/stop-generating`);
    expect(JSON.parse(stop.body)).toEqual({
      generationId: dataField(stream.body).generationId,
      seenContentLength: 15,
    });
    await until(() => stream.finished, 3000, 'stream closed');
    expect(stream.closedEarly).toBe(true);
  });

  it('shares one cookie between completions of an openSession (JSON settings)', async () => {
    const session = await lastValueFrom(
      openSession({ baseUrl: emu.url, dialect: 'chat-ui', model: 'llama3' }),
    );
    await lastValueFrom(completion$('llama3', hello, { session }).pipe(toArray()));
    await lastValueFrom(completion$('llama3', hello, { session }).pipe(toArray()));
    expect(seen(emu)).toEqual([
      'POST /settings',
      'POST /conversation',
      'POST /conversation/:id',
      'POST /conversation',
      'POST /conversation/:id',
    ]);
    expect(JSON.parse(emu.requests[0].body)).toEqual({
      activeModel: 'llama3',
      shareConversationsWithModelAuthors: false,
      welcomeModalSeen: true,
    });
    const cookies = new Set(emu.requests.slice(1).map(cookieOf));
    expect(cookies.size).toBe(1);
    expect([...cookies][0]).toBeDefined();
  });

  it('finds the parent message with GET /api/v2/conversations/<id> on older servers', async () => {
    await emu.close();
    emu = await startEmulator({ dialect: 'chat-ui', reply, chatUi: { omitRootMessageId: true } });
    expect(await lastValueFrom(run().pipe(toArray()))).toEqual(['Hello', ',', ' wörld', '!']);
    expect(seen(emu)).toEqual([
      'POST /conversation',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
    ]);
    expect(cookieOf(emu.requests[1])).toBeDefined();
  });

  it('lists the models with GET /api/models', async () => {
    const list = await lastValueFrom(listModels$({ baseUrl: emu.url }));
    expect(list.map((m) => m.id)).toContain('llama3');
  });

  it('a Secure cookie from a plain-http server on another host is insecure-cookie', async () => {
    const port = new URL(emu.url).port;
    const { error } = await collect(
      completion$('llama3', hello, {
        baseUrl: `http://chat.example.test:${port}`,
        dialect: 'chat-ui',
        fetch: viaLoopback('chat.example.test'),
      }),
    );
    expect(error).toMatchObject({ step: 'conversation', reason: 'insecure-cookie' });
    expect((error as Error).message).toMatch(/COOKIE_SECURE=false/);
  });
});
