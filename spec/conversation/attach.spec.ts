import { firstValueFrom, lastValueFrom } from 'rxjs';
import {
  H2oHttpError,
  H2oInputError,
  H2oNetworkError,
  openConversation,
  openSession,
} from '../../lib';
import type { CompletionEvent, ConversationOptions, H2oSession } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, quiet, unsubscribeWhen } from '../helpers';
import { chatUiData, doneText, opened, since, streams, turn } from './support';

const words = Array.from({ length: 20 }, (_, i) => `w${i} `);
const answer = words.join('');
// chat-ui trims the answer it stores and sends as the final text.
const final = answer.trim();

let emu: Emulator;
// The server's conversations belong to a session's cookie: both clients share one.
let session: H2oSession;
afterEach(() => emu.close());
const share = async () => {
  session = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'chat-ui' }));
};

const tokens = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
const chatUi = (more: ConversationOptions = {}): ConversationOptions => ({
  baseUrl: emu.url,
  dialect: 'chat-ui',
  session,
  ...more,
});

describe('openConversation({ conversationId }) (dialect chat-ui)', () => {
  beforeEach(async () => {
    let n = 0;
    emu = await startEmulator({ dialect: 'chat-ui', reply: (p) => `answer ${++n} to ${p}` });
    await share();
  });

  it('fileUrl: a file of its answers on the session’s base URL, when no baseUrl is given', async () => {
    const chat = await opened(openConversation('llama3', { dialect: 'chat-ui', session }));
    expect(chat.fileUrl('a b')).toBe(`${emu.url}/conversation/${chat.id}/output/a%20b`);
  });

  it('attaches with one read, no POST /conversation; the next turn follows the stored tip', async () => {
    const first = await opened(openConversation('llama3', chatUi()));
    expect(doneText(await turn(first.ask$('one')))).toBe('answer 1 to one');
    await quiet(emu);
    const firstAnswer = (await lastValueFrom(first.messages$()))[1].id;
    const from = emu.requests.length;

    const again = await opened(openConversation('llama3', chatUi({ conversationId: first.id })));
    expect(again.id).toBe(first.id);
    expect(again.model).toBe('llama3');
    expect(since(emu, from)).toEqual(['GET /api/v2/conversations/:id']);

    expect(doneText(await turn(again.ask$('two')))).toBe('answer 2 to two');
    // The parent came with the attaching read: the turn's stream needed no read of its own.
    expect(since(emu, from).slice(0, 2)).toEqual([
      'GET /api/v2/conversations/:id',
      'POST /conversation/:id',
    ]);
    expect(chatUiData(streams(emu)[1])).toMatchObject({ inputs: 'two', id: firstAnswer });
    const history = await lastValueFrom(again.messages$());
    expect(history.map((m) => m.content)).toEqual([
      'one',
      'answer 1 to one',
      'two',
      'answer 2 to two',
    ]);
  });

  it('resume$ completes at once with nothing when no answer is live', async () => {
    const first = await opened(openConversation('llama3', chatUi()));
    await turn(first.ask$('one'));
    await quiet(emu);
    const again = await opened(openConversation('llama3', chatUi({ conversationId: first.id })));
    const from = emu.requests.length;
    const { values, completed } = await collect(again.resume$());
    expect(completed).toBe(true);
    expect(values).toEqual([]);
    expect(since(emu, from)).toEqual(['GET /api/v2/conversations/:id']);
  });

  it('an unknown conversation id fails on its read', async () => {
    const { error } = await collect(
      openConversation('llama3', chatUi({ conversationId: '0123456789abcdef01234567' })),
    );
    expect(error).toBeInstanceOf(H2oHttpError);
    expect((error as H2oHttpError).status).toBe(404);
    expect(since(emu, 1)).toEqual(['GET /api/v2/conversations/:id']);
  });

  it.each([[''], [42]])('conversationId %p is an H2oInputError before any request', async (id) => {
    const { error } = await collect(
      openConversation('llama3', chatUi({ conversationId: id as string })),
    );
    expect(error).toBeInstanceOf(H2oInputError);
    expect(emu.requests).toHaveLength(1);
  });
});

describe('resume$ after a dropped client (dialect chat-ui)', () => {
  beforeEach(async () => {
    // Slow enough that the server is still generating when the new client asks.
    emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 40, reply: () => words });
    await share();
  });

  it('a new conversation object attached by id replays the live answer from its start', async () => {
    const first = await opened(openConversation('llama3', chatUi({ resume: 0 })));
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    const dropped = await collect(first.ask$('tell me'));
    expect(dropped.error).toBeInstanceOf(H2oNetworkError);
    expect(tokens(dropped.values)).toEqual(words.slice(0, 3));
    const generationId = chatUiData(streams(emu)[0]).generationId as string;
    const from = emu.requests.length;

    const again = await opened(openConversation('llama3', chatUi({ conversationId: first.id })));
    const events = await turn(again.resume$());
    expect(events[0]).toMatchObject({ type: 'step', step: 'resume' });
    expect(tokens(events).join('')).toBe(answer);
    // Between the step and `done`: the answer's tokens and the server's other updates (title…).
    expect(events.slice(1, -1).filter((e) => e.type === 'step' || e.type === 'done')).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      text: final,
      tokens: tokens(events).length,
      conversationId: first.id,
    });
    expect(since(emu, from)).toEqual([
      'GET /api/v2/conversations/:id',
      'GET /api/v2/conversations/:id',
      'GET /conversation/:id/stream',
      // The resumed answer ends where the stored conversation holds it whole (issue 20).
      'GET /api/v2/conversations/:id',
    ]);
    expect(emu.requests.at(-2)?.path).toBe(
      `/conversation/${first.id}/stream?generationId=${generationId}&fromSeq=0`,
    );

    // The answer is the tip: the next turn follows it, and resume$ now finds nothing.
    expect((await collect(again.resume$())).values).toEqual([]);
    expect(doneText(await turn(again.ask$('more')))).toBe(final);
    const history = await lastValueFrom(again.messages$());
    expect(history.map((m) => m.content)).toEqual(['tell me', final, 'more', final]);
  });

  it('leaving resume$ before the answer is whole sends stop-generating for its generation', async () => {
    // Slower still: the server must be generating when the stop arrives.
    await emu.close();
    emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 150, reply: () => words });
    await share();
    const first = await opened(openConversation('llama3', chatUi({ resume: 0 })));
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    expect((await collect(first.ask$('tell me'))).error).toBeInstanceOf(H2oNetworkError);
    const generationId = chatUiData(streams(emu)[0]).generationId as string;
    const again = await opened(openConversation('llama3', chatUi({ conversationId: first.id })));
    const seen = await unsubscribeWhen(again.resume$(), (events) => tokens(events).length > 0);
    await quiet(emu);
    const stops = emu.requests.filter(
      (r) => r.path === `/conversation/${first.id}/stop-generating`,
    );
    expect(stops.map((r) => JSON.parse(r.body))).toEqual([
      { generationId, seenContentLength: tokens(seen.values).join('').length },
    ]);
    // The server kept what this client saw.
    const history = await lastValueFrom(again.messages$());
    expect(history.map((m) => m.content)).toEqual(['tell me', tokens(seen.values).join('')]);
  });

  it('a resume$ that ran to its end sends no stop', async () => {
    const chat = await opened(openConversation('llama3', chatUi({ resume: 0 })));
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    await collect(chat.ask$('tell me'));
    await turn(chat.resume$());
    await quiet(emu);
    expect(emu.requests.filter((r) => r.path.endsWith('/stop-generating'))).toEqual([]);
  });

  it('the same conversation object resumes its own dropped turn', async () => {
    const chat = await opened(openConversation('llama3', chatUi({ resume: 0 })));
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    expect((await collect(chat.ask$('tell me'))).error).toBeInstanceOf(H2oNetworkError);
    const events = await turn(chat.resume$());
    expect(tokens(events).join('')).toBe(answer);
    expect(doneText(events)).toBe(final);
    expect(doneText(await turn(chat.ask$('more')))).toBe(final);
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['tell me', final, 'more', final]);
  });
});

describe('openConversation({ conversationId }) (dialect h2o)', () => {
  beforeEach(async () => {
    emu = await startEmulator({ dialect: 'h2o', reply: (p) => `answer to ${p}` });
  });

  it('attaches without a request of its own; resume$ completes at once', async () => {
    const h2o = await firstValueFrom(openSession({ baseUrl: emu.url, dialect: 'h2o' }));
    const options = { baseUrl: emu.url, dialect: 'h2o' as const, session: h2o };
    const first = await opened(openConversation('falcon-40b', options));
    await turn(first.ask$('one'));
    await quiet(emu);
    const from = emu.requests.length;
    const again = await opened(
      openConversation('falcon-40b', { ...options, conversationId: first.id }),
    );
    expect(again.id).toBe(first.id);
    expect(emu.requests.length).toBe(from);
    const { values, completed } = await collect(again.resume$());
    expect([values, completed]).toEqual([[], true]);
    expect(emu.requests.length).toBe(from);
    // The server built the prompt from the stored history: the attached turn is its second.
    expect(doneText(await turn(again.ask$('two')))).toMatch(/^answer to .*one.*two/s);
    // The turn's one request, then the read that sees it stored (issue 20).
    expect(since(emu, from)).toEqual([
      'POST /conversation/:id',
      'GET /conversation/:id/__data.json',
    ]);
  });
});
