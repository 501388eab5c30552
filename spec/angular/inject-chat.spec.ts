import {
  createEnvironmentInjector,
  EnvironmentInjector,
  Injector,
  runInInjectionContext,
} from '@angular/core';
import { H2oInputError } from '../../lib';
import { H2O_CONFIG, injectH2oChat, provideH2o } from '../../lib/angular';
import type { H2oChatSignals } from '../../lib/angular';
import { Emulator, startEmulator } from '../../lib/testing';
import { streams } from '../conversation/support';
import { until } from '../helpers';

jest.setTimeout(60_000);

let emu: Emulator;
afterEach(() => emu?.close());

// An application's environment injector, as bootstrapApplication makes it from its providers.
const app = (providers: Parameters<typeof createEnvironmentInjector>[0]) =>
  createEnvironmentInjector(providers, Injector.NULL as EnvironmentInjector, 'test app');

const textOf = (chat: H2oChatSignals, i: number) =>
  (chat.messages()[i]?.parts ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
const settled = (chat: H2oChatSignals) =>
  until(() => chat.status() === 'ready' || chat.status() === 'error', 30_000, 'the turn');

describe('h2o-rx/angular: provideH2o and injectH2oChat (emulator, chat-ui)', () => {
  beforeEach(async () => {
    let n = 0;
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: 15,
      reply: (prompt) =>
        prompt.includes('long')
          ? Array.from({ length: 300 }, (_, i) => ` w${i}`)
          : ['answer ', `${++n} `, 'to ', prompt],
    });
  });

  it("signals follow the chat: the config's server, statuses, messages, title, conversationId", async () => {
    const injector = app([provideH2o({ baseUrl: emu.url, dialect: 'chat-ui' })]);
    expect(injector.get(H2O_CONFIG)).toEqual({ baseUrl: emu.url, dialect: 'chat-ui' });
    const chat = runInInjectionContext(injector, () => injectH2oChat('llama3'));
    expect(chat.status()).toBe('ready');
    expect(chat.busy()).toBe(false);
    expect(chat.messages()).toEqual([]);

    chat.send('one');
    expect(chat.status()).toBe('submitted');
    expect(chat.busy()).toBe(true);
    expect(() => chat.send('two')).toThrow(H2oInputError);
    await until(() => chat.status() === 'streaming', 30_000, 'streaming');
    await settled(chat);
    expect(chat.status()).toBe('ready');
    expect(chat.error()).toBeUndefined();
    expect(chat.messages().map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(textOf(chat, 1)).toBe('answer 1 to one');
    expect(chat.title()).toBe('one');
    expect(chat.conversationId()).toMatch(/^[0-9a-f]{24}$/);
    expect(chat.state().conversationId).toBe(chat.conversationId());
    // A signal read twice with no change between gives the same array.
    expect(chat.messages()).toBe(chat.messages());
    expect(chat.chat.state.messages).toBe(chat.messages());

    chat.regenerate();
    await settled(chat);
    expect(textOf(chat, 1)).toBe('answer 2 to one');
    chat.newChat();
    expect(chat.messages()).toEqual([]);
    expect(chat.conversationId()).toBeUndefined();
    injector.destroy();
  });

  it("the injector's destruction disposes the chat: the running turn is stopped, stop-generating sent", async () => {
    const injector = app([provideH2o({ baseUrl: emu.url, dialect: 'chat-ui' })]);
    const chat = runInInjectionContext(injector, () => injectH2oChat('llama3'));
    chat.send('a long story');
    await until(() => textOf(chat, 1).length > 6, 30_000, 'some tokens');
    injector.destroy();
    await until(
      () => emu.requests.some((r) => r.path.endsWith('/stop-generating')),
      30_000,
      'stop-generating',
    );
    expect(streams(emu)[0].closedEarly).toBe(true);
    expect(() => chat.send('more')).toThrow(/disposed/);
  });

  it('options over the config; without provideH2o the options alone; stop and error signals', async () => {
    const injector = app([provideH2o({ baseUrl: 'http://127.0.0.1:9', dialect: 'chat-ui' })]);
    const chat = runInInjectionContext(injector, () =>
      injectH2oChat('llama3', { baseUrl: emu.url }),
    );
    chat.send('a long one');
    await until(() => chat.status() === 'streaming', 30_000, 'streaming');
    chat.stop();
    expect(chat.status()).toBe('ready');
    expect(chat.messages()[1].state).toBe('stopped');
    injector.destroy();

    const bare = app([]);
    const failing = runInInjectionContext(bare, () =>
      injectH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }),
    );
    emu.inject({ step: 'conversation', status: 500 });
    failing.send('one');
    await settled(failing);
    expect(failing.status()).toBe('error');
    expect(failing.error()).toMatchObject({ name: 'H2oHttpError', status: 500 });
    failing.clearError();
    expect(failing.status()).toBe('ready');
    bare.destroy();
  });

  it('outside an injection context: the error Angular gives', () => {
    expect(() => injectH2oChat('llama3')).toThrow(/injection context/);
  });
});
