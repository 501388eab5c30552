import { lastValueFrom, shareReplay, switchMap, take } from 'rxjs';
import { H2oInputError, h2oRetry, openConversation, openSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, until } from '../helpers';
import { doneText, opened, since, streams, turn } from './support';

let emu: Emulator;
// The prompt the model was given, turn by turn.
let prompts: string[];

beforeEach(async () => {
  prompts = [];
  emu = await startEmulator({
    reply: (prompt) => {
      prompts.push(prompt);
      return `answer ${prompts.length}`;
    },
  });
});
afterEach(() => emu.close());

const open = () => opened(openConversation('falcon-40b', { baseUrl: emu.url }));
const body = (i: number) =>
  JSON.parse(streams(emu)[i].body) as {
    inputs: string;
    parameters: Record<string, unknown>;
    options: { id: string; response_id: string; is_retry: boolean };
  };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('openConversation (dialect h2o)', () => {
  it('opens with session, settings and POST /conversation; with a session, the last alone', async () => {
    const chat = await open();
    expect(chat.id).toMatch(/^[0-9a-f]{24}$/);
    expect(chat.model).toBe('h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1');
    expect(since(emu, 0)).toEqual(['GET /', 'POST /settings', 'POST /conversation']);
    const session$ = openSession({ baseUrl: emu.url }).pipe(shareReplay(1));
    await lastValueFrom(session$);
    const start = emu.requests.length;
    await lastValueFrom(
      session$.pipe(switchMap((session) => openConversation('falcon-40b', { session }))),
    );
    expect(since(emu, start)).toEqual(['POST /conversation']);
  });

  it('each turn is one request with only the new message and the ids the client chose, and ends once stored', async () => {
    const chat = await open();
    const start = emu.requests.length;
    expect(doneText(await turn(chat.ask$('one')))).toBe('answer 1');
    expect(doneText(await turn(chat.ask$('two')))).toBe('answer 2');
    // After each stream, reads of __data.json until it holds the answer: then the turn ends.
    const seen = since(emu, start)
      .join(' ')
      .replace(/( GET \/conversation\/:id\/__data\.json)+/g, ' READ');
    expect(seen).toBe('POST /conversation/:id READ POST /conversation/:id READ');
    const [first, second] = [body(0), body(1)];
    expect([first.inputs, second.inputs]).toEqual(['one', 'two']);
    for (const b of [first, second]) {
      expect(b.options.id).toMatch(uuid);
      expect(b.options.response_id).toMatch(uuid);
      expect(b.options.is_retry).toBe(false);
      expect(b.parameters).toMatchObject({ temperature: 0.4, max_new_tokens: 1024 });
    }
    expect(first.options.id).not.toBe(second.options.id);
  });

  it("the server builds the model's prompt from the whole history, in the model's turns", async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    await turn(chat.ask$('two'));
    expect(prompts[1]).toBe(
      '<|prompt|>one<|endoftext|><|answer|>answer 1<|endoftext|><|prompt|>two<|endoftext|><|answer|>',
    );
  });

  it('messages$ reads the stored history, with the ids the client chose', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    await turn(chat.ask$('two'));
    const history = await lastValueFrom(chat.messages$());
    expect(history).toEqual([
      { role: 'user', content: 'one', id: body(0).options.id },
      { role: 'assistant', content: 'answer 1', id: body(0).options.response_id },
      { role: 'user', content: 'two', id: body(1).options.id },
      { role: 'assistant', content: 'answer 2', id: body(1).options.response_id },
    ]);
    expect(emu.requests.at(-1)?.path).toMatch(/\/__data\.json\?x-sveltekit-invalidated=_1$/);
  });

  it('regenerates as the 2023 front end did: the last user text, its id, is_retry, a new answer id', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    await turn(chat.ask$('two'));
    expect(doneText(await turn(chat.regenerate$()))).toBe('answer 3');
    const [, second, again] = [body(0), body(1), body(2)];
    expect(again.inputs).toBe('two');
    expect(again.options.id).toBe(second.options.id);
    expect(again.options.is_retry).toBe(true);
    expect(again.options.response_id).not.toBe(second.options.response_id);
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['one', 'answer 1', 'two', 'answer 3']);
  });

  it('regenerate with no turn yet is an input error, with no request', async () => {
    const chat = await open();
    const start = emu.requests.length;
    expect((await collect(chat.regenerate$())).error).toBeInstanceOf(H2oInputError);
    expect(since(emu, start)).toEqual([]);
  });

  it('h2oRetry re-sends a failed turn with is_retry and the same id: stored once', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    emu.inject({ step: 'stream', status: 503 });
    const events = await turn(chat.ask$('two').pipe(h2oRetry({ count: 1, baseMs: 0 })));
    expect(doneText(events)).toBe('answer 2');
    const [, refused, retried] = [body(0), body(1), body(2)];
    expect(refused.options.is_retry).toBe(false);
    expect(retried).toMatchObject({
      inputs: 'two',
      options: { id: refused.options.id, is_retry: true },
    });
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['one', 'answer 1', 'two', 'answer 2']);
  });

  it('a cancelled turn sends stop-generating; the conversation goes on', async () => {
    await emu.close();
    emu = await startEmulator({
      tokenDelayMs: 20,
      reply: (prompt) =>
        prompt.endsWith('long<|endoftext|><|answer|>') ? 'a b c d e f g h' : 'short',
    });
    const chat = await open();
    const { values } = await collect(chat.ask$('long').pipe(take(3)));
    expect(values).toHaveLength(3);
    await until(() => emu.requests.some((r) => r.step === 'stop'));
    // The 2023 server stores the partial answer at its next token after the stop, and a turn
    // builds its history when it arrives: a turn sent before that would not see it.
    await emu.settled();
    expect(doneText(await turn(chat.ask$('next')))).toBe('short');
    // The server kept the partial answer, and the next turn followed it.
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual([
      'long',
      expect.stringMatching(/^a b/),
      'next',
      'short',
    ]);
  });

  it('ask$ with stream: false gives the step and done only', async () => {
    const chat = await open();
    const events = await turn(chat.ask$('one', { stream: false }));
    expect(events.map((e) => e.type)).toEqual(['step', 'done']);
  });
});
