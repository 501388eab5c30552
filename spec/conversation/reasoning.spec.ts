import { filter, lastValueFrom, switchMap, take, toArray } from 'rxjs';
import { completion$, completionEvents$, h2oText, openConversation } from '../../lib';
import { REASONING_MODEL_ID, startEmulator, type Emulator } from '../../lib/testing';
import { reasoningTokens } from '../../lib/testing/chat-ui/lead';
import { opened, turn } from './support';

let emu: Emulator;
afterEach(() => emu?.close());

const thought = reasoningTokens(4).join('');
const options = () => ({ baseUrl: emu.url, dialect: 'chat-ui' as const });
const kinds = (events: { type: string }[]) =>
  events.map((e) => e.type).filter((t) => t !== 'keep-alive' && t !== 'title');

describe('a reasoning model of today’s chat-ui (its <think> text, as v0.20 streams it)', () => {
  beforeEach(async () => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: () => ['one', ' two'],
      chatUi: { reasoning: { durationMs: 200, tokens: 4 } },
    });
  });

  it('ask$: the reasoning as reasoning events, then the answer alone; messages$ keeps them apart', async () => {
    const chat = await opened(openConversation(REASONING_MODEL_ID, options()));
    const events = await turn(chat.ask$('why?'));
    expect(kinds(events)).toEqual([
      'step',
      'reasoning',
      'reasoning',
      'reasoning',
      'reasoning',
      'token',
      'token',
      'done',
    ]);
    const reasoning = events.flatMap((e) => (e.type === 'reasoning' ? [e.text] : []));
    expect(reasoning.join('')).toBe(thought);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      text: 'one two',
      reasoning: thought,
      tokens: 2,
    });
    // Keep-alives come while it thinks (every 100 ms), before the answer's first token.
    expect(events.findIndex((e) => e.type === 'keep-alive')).toBeLessThan(
      events.findIndex((e) => e.type === 'token'),
    );
    // The server stores the text as it streamed it; the history gives it apart.
    const stored = emu.requests.length;
    const history = await lastValueFrom(chat.messages$());
    expect(emu.requests.length).toBe(stored + 1);
    expect(history.at(-1)).toMatchObject({
      role: 'assistant',
      content: 'one two',
      reasoning: thought,
    });
  });

  it('h2oText and completion$ give the answer without its reasoning', async () => {
    const texts = await lastValueFrom(
      openConversation(REASONING_MODEL_ID, options()).pipe(
        switchMap((chat) => chat.ask$('why?')),
        h2oText(),
        toArray(),
      ),
    );
    expect(texts.at(-1)).toBe('one two');
    expect(texts.every((t) => !t.includes('think'))).toBe(true);
    const tokens = await lastValueFrom(
      completion$(REASONING_MODEL_ID, [{ role: 'user', content: 'why?' }], options()).pipe(
        toArray(),
      ),
    );
    expect(tokens).toEqual(['one', ' two']);
  });

  it('completionEvents$ with stream: false: the reasoning events and done, no token', async () => {
    const events = await lastValueFrom(
      completionEvents$(REASONING_MODEL_ID, [{ role: 'user', content: 'why?' }], {
        ...options(),
        stream: false,
      }).pipe(toArray()),
    );
    expect(kinds(events).filter((t) => t !== 'step')).toEqual([
      'reasoning',
      'reasoning',
      'reasoning',
      'reasoning',
      'done',
    ]);
    expect(events.at(-1)).toMatchObject({ text: 'one two', reasoning: thought, tokens: 2 });
  });
});

describe('a reasoning model whose server sends reasoning updates', () => {
  beforeEach(async () => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: () => ['one', ' two'],
      chatUi: { reasoning: { durationMs: 100, tokens: 2, wire: 'updates' } },
    });
  });

  it('its status and stream updates as events, in order; the stored reasoning in messages$', async () => {
    const chat = await opened(openConversation(REASONING_MODEL_ID, options()));
    const events = await turn(chat.ask$('why?'));
    expect(events.filter((e) => e.type === 'reasoning' || e.type === 'reasoning-status')).toEqual([
      { type: 'reasoning-status', status: 'Started reasoning...' },
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'reasoning', text: ' Step 1.' },
      { type: 'reasoning-status', status: 'Done in 0s.' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'one two', tokens: 2 });
    expect(events.at(-1)).not.toHaveProperty('reasoning');
    const history = await lastValueFrom(chat.messages$());
    expect(history.at(-1)).toMatchObject({
      content: 'one two',
      reasoning: 'Let me think. Step 1.',
    });
  });
});

describe('leaving a reasoning model while it thinks', () => {
  beforeEach(async () => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: () => ['one', ' two'],
      chatUi: { reasoning: { durationMs: 2000, tokens: 4 } },
    });
  });

  it('the stop counts the text the server sent, its <think> tag included', async () => {
    const chat = await opened(openConversation(REASONING_MODEL_ID, options()));
    const events = await lastValueFrom(
      chat.ask$('why?').pipe(
        filter((e) => e.type === 'step' || e.type === 'reasoning'),
        take(3),
        toArray(),
      ),
    );
    expect(events.map((e) => e.type)).toEqual(['step', 'reasoning', 'reasoning']);
    await emu.settled();
    const stops = emu.requests.filter((r) => r.path.endsWith('/stop-generating'));
    expect(stops).toHaveLength(1);
    expect(JSON.parse(stops[0].body)).toMatchObject({
      seenContentLength: '<think>Let me think. Step 1.'.length,
    });
  });
});
