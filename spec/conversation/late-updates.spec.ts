import { lastValueFrom, toArray } from 'rxjs';
import { completionEvents$, openConversation } from '../../lib';
import { startEmulator, type Emulator } from '../../lib/testing';
import { opened, turn } from './support';

let emu: Emulator;
afterEach(() => emu?.close());

const kinds = (events: { type: string }[]) =>
  events.map((e) => e.type).filter((t) => t !== 'keep-alive' && t !== 'title' && t !== 'step');

describe('what today’s chat-ui says of an answer after its finalAnswer', () => {
  beforeEach(async () => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: () => ['one', ' two'],
      chatUi: { provider: 'together' },
    });
  });

  it('a backend’s router metadata (written after finalAnswer) comes before done', async () => {
    const chat = await opened(openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }));
    const events = await turn(chat.ask$('hi'));
    expect(kinds(events)).toEqual(['token', 'token', 'router', 'done']);
    expect(events.find((e) => e.type === 'router')).toEqual({
      type: 'router',
      route: '',
      model: '',
      provider: 'together',
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'one two' });
  });

  it('completionEvents$ too', async () => {
    const events = await lastValueFrom(
      completionEvents$('llama3', [{ role: 'user', content: 'hi' }], {
        baseUrl: emu.url,
        dialect: 'chat-ui',
      }).pipe(toArray()),
    );
    expect(kinds(events)).toEqual(['token', 'token', 'router', 'done']);
  });
});
