import { concat, filter, lastValueFrom, retry, take, timeout, toArray } from 'rxjs';
import { H2oHttpError, h2oRetry, openConversation } from '../../lib';
import type { CompletionEvent, Dialect, H2oConversation } from '../../lib';
import { Emulator, EmulatorOptions, startEmulator } from '../../lib/testing';
import { chatUiData, doneText, opened, streams, turn } from './support';

// Issue 20: a turn ends where the server has stored it, on both servers' real save and stop
// rules (the emulator's defaults: a save lands just after its stream, a 2023 stop at the
// server's next once-a-second read of stops).

let emu: Emulator;
afterEach(() => emu?.close());

// What the model was given, turn by turn: dialect h2o its prompt, chat-ui its messages.
let given: string[];
type Answer = (turn: number) => string | string[];
const start = async (dialect: Dialect, options: EmulatorOptions = {}, answer?: Answer) => {
  given = [];
  emu = await startEmulator({
    dialect,
    reply: (prompt, params) => {
      given.push(
        dialect === 'h2o'
          ? prompt
          : (params.messages as Array<{ role: string; content: string }>)
              .map((m) => `${m.role}: ${m.content}`)
              .join(' | '),
      );
      return answer ? answer(given.length) : `answer ${given.length}`;
    },
    ...options,
  });
};

const open = (dialect: Dialect) =>
  opened(
    openConversation(dialect === 'h2o' ? 'falcon-40b' : 'llama3', { baseUrl: emu.url, dialect }),
  );

const history = async (chat: H2oConversation) =>
  (await lastValueFrom(chat.messages$())).map((m) => `${m.role}: ${m.content}`);

const tokensOf = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');

describe.each(['h2o', 'chat-ui'] as const)('a turn ends once stored (dialect %s)', (dialect) => {
  it('concat of ask$s: each turn is given the ones before it, and all are stored', async () => {
    // A save that lands 100 ms after its stream: a follow-up sent at once would race it.
    await start(dialect, { saveDelayMs: 100 });
    const chat = await open(dialect);
    const events = await lastValueFrom(
      concat(chat.ask$('one'), chat.ask$('two'), chat.ask$('three')).pipe(toArray()),
    );
    expect(events.filter((e) => e.type === 'done')).toHaveLength(3);
    if (dialect === 'h2o') {
      expect(given[2]).toBe(
        '<|prompt|>one<|endoftext|><|answer|>answer 1<|endoftext|>' +
          '<|prompt|>two<|endoftext|><|answer|>answer 2<|endoftext|>' +
          '<|prompt|>three<|endoftext|><|answer|>',
      );
    } else {
      expect(given[2]).toBe(
        'user: one | assistant: answer 1 | user: two | assistant: answer 2 | user: three',
      );
    }
    expect(await history(chat)).toEqual([
      'user: one',
      'assistant: answer 1',
      'user: two',
      'assistant: answer 2',
      'user: three',
      'assistant: answer 3',
    ]);
  });

  it('messages$ right after ask$ completed shows the whole answer', async () => {
    await start(dialect, { saveDelayMs: 100 });
    const chat = await open(dialect);
    await turn(chat.ask$('one'));
    expect(await history(chat)).toEqual(['user: one', 'assistant: answer 1']);
  });

  it('a turn cancelled after two tokens, then the next at once: the next holds the partial answer and is not cut', async () => {
    await start(
      dialect,
      // The 2023 server reads its stops every 300 ms here (1 s by default).
      { tokenDelayMs: 30, h2o: { stopCheckMs: 300 } },
      (n) => (n === 1 ? Array.from({ length: 30 }, (_, i) => (i ? ` t${i}` : 't0')) : ['ok']),
    );
    const chat = await open(dialect);
    const shown = await lastValueFrom(
      chat.ask$('one').pipe(
        filter((e) => e.type === 'token'),
        take(2),
        toArray(),
      ),
    );
    expect(tokensOf(shown)).toBe('t0 t1');
    // Asked the moment the first was cancelled.
    const next = await turn(chat.ask$('two'));
    expect(doneText(next)).toBe('ok');
    const stored = await history(chat);
    expect(stored).toHaveLength(4);
    expect(stored[2]).toBe('user: two');
    expect(stored[3]).toBe('assistant: ok');
    const partial = stored[1].slice('assistant: '.length);
    expect(partial.startsWith('t0 t1')).toBe(true);
    expect(partial.endsWith(' t29')).toBe(false);
    // The next turn was given the stopped answer as stored.
    expect(given[1]).toContain(partial);
  });

  it('ask$ with timeout and h2oRetry: a timed-out attempt is retried as the same turn', async () => {
    // The first answer stalls after one token; the retry's answer comes.
    await start(dialect, { faults: [{ step: 'stream', kind: 'stall', afterTokens: 1 }] });
    const chat = await open(dialect);
    const events = await lastValueFrom(
      chat.ask$('two').pipe(
        filter((e) => e.type !== 'token'),
        // The retry waits for the stopped attempt to settle (at most 3 s) before its step.
        timeout({ first: 5000, each: 300 }),
        h2oRetry({ count: 2, baseMs: 1 }),
        toArray(),
      ),
    );
    expect(doneText(events)).toBe('answer 2');
    expect(await history(chat)).toEqual(['user: two', 'assistant: answer 2']);
    const [first, second] = streams(emu);
    if (dialect === 'h2o') {
      const [a, b] = [first, second].map(
        (r) => JSON.parse(r.body) as { options: { id: string; is_retry: boolean } },
      );
      expect(b.options.id).toBe(a.options.id);
      expect([a.options.is_retry, b.options.is_retry]).toEqual([false, true]);
    } else {
      // The server stored the first attempt's (stopped) answer: the retry regenerates it.
      expect(chatUiData(second)).toMatchObject({ is_retry: true });
      expect(chatUiData(second).inputs).toBeUndefined();
    }
  });

  it('ask$ with rxjs retry after a dropped connection is the same turn', async () => {
    await start(dialect, { faults: [{ step: 'stream', kind: 'reset' }] });
    const chat = await open(dialect);
    const events = await turn(chat.ask$('one').pipe(retry(1)));
    expect(doneText(events)).toBe('answer 1');
    expect(await history(chat)).toEqual(['user: one', 'assistant: answer 1']);
  });

  it('messages$ of a deleted conversation is the 404 ask$ gets', async () => {
    await start(dialect);
    const chat = await open(dialect);
    await turn(chat.ask$('one'));
    await lastValueFrom(chat.delete$());
    const read = await lastValueFrom(chat.messages$()).catch((e: unknown) => e);
    const asked = await turn(chat.ask$('two')).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(H2oHttpError);
    expect(asked).toBeInstanceOf(H2oHttpError);
    expect((read as H2oHttpError).status).toBe(404);
    expect((asked as H2oHttpError).status).toBe(404);
    expect((read as H2oHttpError).message).toMatch(/Conversation not found/);
  });
});
