import { concatMap, filter, firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { H2oHttpError, H2oInputError, h2oRetry, openConversation } from '../../lib';
import type { CompletionEvent, H2oConversation } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, quiet, until } from '../helpers';
import { chatUiData, doneText, opened, since, streams, turn } from './support';

let emu: Emulator;
// What the model backend was given, turn by turn: the messages array chat-ui builds.
let backend: Array<Array<{ role: string; content: string }>>;

beforeEach(async () => {
  backend = [];
  emu = await startEmulator({
    dialect: 'chat-ui',
    reply: (prompt, params) => {
      backend.push(params.messages as Array<{ role: string; content: string }>);
      return `answer ${backend.length} to ${prompt}`;
    },
  });
});
afterEach(() => emu.close());

const open = () => opened(openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }));

describe('openConversation (dialect chat-ui)', () => {
  it('opens with POST /conversation only, and emits one conversation', async () => {
    const { values, completed } = await collect(
      openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }),
    );
    expect(completed).toBe(true);
    expect(values).toHaveLength(1);
    expect(values[0].id).toMatch(/^[0-9a-f]{24}$/);
    expect(values[0].model).toBe('llama3');
    expect(since(emu, 0)).toEqual(['POST /conversation']);
  });

  it('sends only the new message; the parent is the root, then the previous answer', async () => {
    const chat = await open();
    const start = emu.requests.length;
    expect(doneText(await turn(chat.ask$('one')))).toBe('answer 1 to one');
    expect(doneText(await turn(chat.ask$('two')))).toBe('answer 2 to two');
    expect(doneText(await turn(chat.ask$('three')))).toBe('answer 3 to three');
    // Each turn: the stream, and beside it one read that learns the answer's id for the next.
    await until(() => since(emu, start).length === 6);
    expect(since(emu, start)).toEqual([
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
    ]);
    const data = streams(emu).map(chatUiData);
    expect(data.map((d) => d.inputs)).toEqual(['one', 'two', 'three']);
    expect(data.every((d) => d.is_retry === false && d.is_continue === false)).toBe(true);
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ['user', 'one'],
      ['assistant', 'answer 1 to one'],
      ['user', 'two'],
      ['assistant', 'answer 2 to two'],
      ['user', 'three'],
      ['assistant', 'answer 3 to three'],
    ]);
    expect(data[1].id).toBe(history[1].id);
    expect(data[2].id).toBe(history[3].id);
    // The model saw the whole history as turns, not one flattened message.
    expect(backend[2]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'answer 1 to one' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'answer 2 to two' },
      { role: 'user', content: 'three' },
    ]);
  });

  it("a follow-up's only request before its first token is the stream", async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    // The read beside turn 1 has been answered: the user is typing the next message.
    const isRead = (r: { method: string; path: string }) =>
      r.method === 'GET' && r.path.startsWith('/api/v2/conversations/');
    await until(() => emu.requests.some((r) => isRead(r) && r.finished));
    const start = emu.requests.length;
    const first = await firstValueFrom(chat.ask$('two').pipe(filter((e) => e.type === 'token')));
    expect(first).toMatchObject({ type: 'token' });
    expect(since(emu, start)[0]).toBe('POST /conversation/:id');
    // Its own read (beside it) may have started after that first token, not before.
    expect(emu.requests.slice(start).filter(isRead).length).toBeLessThanOrEqual(1);
    await quiet(emu);
    const history = await lastValueFrom(chat.messages$());
    expect(chatUiData(streams(emu)[1]).id).toBe(history[1].id);
  });

  it('after messages$ the next turn knows its parent: the stream goes first', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    const history = await lastValueFrom(chat.messages$());
    const start = emu.requests.length;
    await turn(chat.ask$('two'));
    await until(() => since(emu, start).length === 2);
    expect(since(emu, start)).toEqual(['POST /conversation/:id', 'GET /api/v2/conversations/:id']);
    expect(chatUiData(streams(emu)[1]).id).toBe(history[1].id);
  });

  it('a turn asked while the last one is still being read waits for that read, not a new one', async () => {
    await emu.close();
    // Every request answered 30 ms late: the read beside turn 1 is still out when it ends.
    emu = await startEmulator({ dialect: 'chat-ui', latencyMs: 30, reply: () => 'hi' });
    const chat = await open();
    const start = emu.requests.length;
    await turn(chat.ask$('one'));
    await turn(chat.ask$('two'));
    await until(() => since(emu, start).length === 4);
    expect(since(emu, start)).toEqual([
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
    ]);
    // No read of its own, and yet it named turn 1's answer: it waited for the read beside it.
    const history = await lastValueFrom(chat.messages$());
    expect(chatUiData(streams(emu)[1]).id).toBe(history[1].id);
  });

  it('regenerates as the front end does: is_retry on the answer, no inputs; the old one kept', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    const before = await lastValueFrom(chat.messages$());
    expect(doneText(await turn(chat.regenerate$()))).toBe('answer 2 to one');
    const data = chatUiData(streams(emu)[1]);
    expect(data).toMatchObject({ id: before[1].id, is_retry: true, is_continue: false });
    expect(data.inputs).toBeUndefined();
    const after = await lastValueFrom(chat.messages$());
    expect(after.map((m) => m.content)).toEqual(['one', 'answer 2 to one']);
    expect(after[1].id).not.toBe(before[1].id);
    // The backend got the history without the old answer.
    expect(backend[1]).toEqual([{ role: 'user', content: 'one' }]);
    // The next turn follows the new answer.
    await turn(chat.ask$('two'));
    expect(chatUiData(streams(emu)[2]).id).toBe(after[1].id);
  });

  it('regenerate with no answer yet is an input error, with no request', async () => {
    const chat = await open();
    const start = emu.requests.length;
    const { error } = await collect(chat.regenerate$());
    expect(error).toBeInstanceOf(H2oInputError);
    expect(since(emu, start)).toEqual([]);
  });

  it('runs one turn at a time: a second turn while one runs is an input error', async () => {
    const chat = await open();
    const first = collect(chat.ask$('one').pipe(take(2)));
    const second = await collect(chat.ask$('two'));
    expect(second.error).toBeInstanceOf(H2oInputError);
    await first;
    // Queued with concatMap they all run.
    const texts = await lastValueFrom(
      from(['a', 'b']).pipe(
        concatMap((p) => chat.ask$(p)),
        toArray(),
      ),
    );
    expect(texts.filter((e) => e.type === 'done')).toHaveLength(2);
  });

  it('a cancelled turn stops the server; the next turn follows the partial answer', async () => {
    await emu.close();
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: 20,
      reply: (prompt) => (prompt === 'long' ? 'a b c d e f g h i j k l' : 'short'),
    });
    const chat = await open();
    const { values } = await collect(
      chat.ask$('long').pipe(
        // Keep-alives and the title come too: the step and two tokens are taken.
        filter((e) => e.type === 'step' || e.type === 'token'),
        take(3),
      ),
    );
    expect(values).toHaveLength(3);
    // The stop is answered at once, but the answer is cut only at the generation's next token:
    // settled() waits for that end (and the stop), so the read below sees the cut answer.
    await until(() => emu.requests.some((r) => r.step === 'stop'));
    await emu.settled();
    await turn(chat.ask$('next'));
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['long', 'a b', 'next', 'short']);
    expect(chatUiData(streams(emu)[1]).id).toBe(history[1].id);
  });

  it('a failed turn leaves the conversation usable', async () => {
    const chat = await open();
    emu.inject({ step: 'stream', status: 500 });
    const { error } = await collect(chat.ask$('one'));
    expect(error).toBeInstanceOf(H2oHttpError);
    expect(doneText(await turn(chat.ask$('two')))).toMatch(/to two$/);
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['two', expect.stringMatching(/to two$/)]);
  });

  it("a turn may start in the error handler of the last one's subscriber", async () => {
    const chat = await open();
    emu.inject({ step: 'stream', status: 500 });
    const next = await new Promise<ReturnType<typeof collect<CompletionEvent>>>((resolve) =>
      chat.ask$('one').subscribe({ error: () => resolve(collect(chat.ask$('again'))) }),
    );
    const { values, error } = await next;
    expect(error).toBeUndefined();
    expect(doneText(values)).toMatch(/to again$/);
  });

  it('h2oRetry on a turn the server refused sends it again under the same parent', async () => {
    const chat = await open();
    await turn(chat.ask$('one'));
    emu.inject({ step: 'stream', status: 503 });
    const events = await turn(chat.ask$('two').pipe(h2oRetry({ count: 1, baseMs: 0 })));
    expect(doneText(events)).toMatch(/to two$/);
    const [, refused, retried] = streams(emu).map(chatUiData);
    expect(retried).toMatchObject({ inputs: 'two', id: refused.id, is_retry: false });
    const history = await lastValueFrom(chat.messages$());
    expect(history.filter((m) => m.content === 'two')).toHaveLength(1);
  });

  it('h2oRetry on a turn the server stored regenerates it: the user message is not stored twice', async () => {
    // `drop`: the client's socket is destroyed while the server goes on; resume off, so that
    // the turn fails and h2oRetry subscribes again.
    const chat = await opened(
      openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui', resume: 0 }),
    );
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 0 });
    const events = await turn(chat.ask$('one', {}).pipe(h2oRetry({ count: 2, baseMs: 0 })));
    expect(doneText(events)).toMatch(/to one$/);
    const history = await lastValueFrom(chat.messages$());
    expect(history.filter((m) => m.role === 'user')).toHaveLength(1);
    expect(history.map((m) => m.content)).toEqual(['one', expect.stringMatching(/to one$/)]);
  });

  it('delete$ removes the conversation', async () => {
    const chat: H2oConversation = await open();
    const { values, completed } = await collect(chat.delete$());
    expect(values).toEqual([undefined]);
    expect(completed).toBe(true);
    expect(since(emu, 1)).toEqual(['DELETE /conversation/:id']);
    const { error } = await collect(chat.messages$());
    expect(error).toBeInstanceOf(H2oHttpError);
    expect((error as H2oHttpError).status).toBe(404);
  });

  it('ask$ refuses empty content and control tokens before any request', async () => {
    const chat = await open();
    const start = emu.requests.length;
    for (const content of ['', '  ', 'a <|endoftext|> b']) {
      expect((await collect(chat.ask$(content))).error).toBeInstanceOf(H2oInputError);
    }
    expect(since(emu, start)).toEqual([]);
  });
});
