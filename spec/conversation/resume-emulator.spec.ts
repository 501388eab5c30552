import { lastValueFrom } from 'rxjs';
import { completionEvents$, H2oNetworkError, openConversation } from '../../lib';
import type { CompletionEvent } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, hello } from '../helpers';
import { opened, turn } from './support';

const words = Array.from({ length: 20 }, (_, i) => `w${i} `);
const answer = words.join('');
// chat-ui trims the answer it stores and sends as the final text.
const final = answer.trim();

let emu: Emulator;
afterEach(() => emu.close());

const start = (tokenDelayMs: number) =>
  startEmulator({ dialect: 'chat-ui', tokenDelayMs, reply: () => words });
const tokens = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
const resumeGets = () =>
  emu.requests.filter(
    (r) => r.method === 'GET' && /\/conversation\/[0-9a-f]{24}\/stream\?/.test(r.path),
  );

describe('resume against the emulator (dialect chat-ui)', () => {
  it.each([
    ['slow tokens', 5],
    ['fast tokens, merged into one stored update', 0],
  ])('%s: a dropped connection loses and repeats nothing', async (_, tokenDelayMs) => {
    emu = await start(tokenDelayMs);
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    const options = { baseUrl: emu.url, dialect: 'chat-ui' as const };
    const { values, error, completed } = await collect(completionEvents$('llama3', hello, options));
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    expect(tokens(values).join('')).toBe(answer);
    expect(values.filter((e) => e.type === 'step' && e.step === 'resume')).toHaveLength(1);
    expect(values.at(-1)).toMatchObject({ type: 'done', text: final });
    expect(resumeGets()).toHaveLength(1);
    expect(resumeGets()[0].path).toMatch(/generationId=[0-9a-f-]{36}&fromSeq=0$/);
  });

  it('resume: 0 gives the error', async () => {
    emu = await start(1);
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    const options = { baseUrl: emu.url, dialect: 'chat-ui' as const, resume: 0 };
    const { error } = await collect(completionEvents$('llama3', hello, options));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(resumeGets()).toHaveLength(0);
  });

  it('a channel that answers an error status gives the original error', async () => {
    emu = await start(1);
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 }, { step: 'resume', status: 404 });
    const options = { baseUrl: emu.url, dialect: 'chat-ui' as const };
    const { values, error } = await collect(completionEvents$('llama3', hello, options));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(tokens(values)).toEqual(words.slice(0, 3));
    expect(resumeGets()).toHaveLength(1);
  });

  it('a turn of a conversation resumes too, and the server keeps the whole answer', async () => {
    emu = await start(1);
    const chat = await opened(openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }));
    emu.inject({ step: 'stream', kind: 'drop', afterTokens: 3 });
    const events = await turn(chat.ask$('tell me'));
    expect(tokens(events).join('')).toBe(answer);
    const history = await lastValueFrom(chat.messages$());
    expect(history.map((m) => m.content)).toEqual(['tell me', final]);
  });
});
