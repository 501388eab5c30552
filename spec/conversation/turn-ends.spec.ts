import { Observable } from 'rxjs';
import type { CompletionEvent, H2oConversation } from '../../lib';
import { H2oHttpError, openConversation } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { doneText, opened, turn } from './support';

// A turn's one-at-a-time guard is released by tap's end hooks, which run before the end
// reaches the subscriber (finalize would run after it): what the subscriber's own complete or
// error handler starts is the next turn, not an input error.
describe.each(['h2o', 'chat-ui'] as const)('a turn ending (dialect %s)', (dialect) => {
  let emu: Emulator;
  beforeEach(async () => {
    let n = 0;
    emu = await startEmulator({ dialect, reply: () => `answer ${++n}` });
  });
  afterEach(() => emu.close());

  const open = () => opened(openConversation('falcon-40b', { baseUrl: emu.url, dialect }));

  // Subscribes to `first$`; its end handler subscribes to `next()` and resolves with how the
  // first ended and what the next turn gave (its events, or the error it ended in).
  const thenFrom = (
    first$: Observable<CompletionEvent>,
    on: 'complete' | 'error',
    next: () => Observable<CompletionEvent>,
  ) =>
    new Promise<{ first?: unknown; events?: CompletionEvent[]; error?: unknown }>((resolve) => {
      const start = (first?: unknown) => {
        const events: CompletionEvent[] = [];
        next().subscribe({
          next: (e) => events.push(e),
          error: (error: unknown) => resolve({ first, error }),
          complete: () => resolve({ first, events }),
        });
      };
      first$.subscribe({
        error: on === 'error' ? start : (error: unknown) => resolve({ error }),
        complete: on === 'complete' ? start : () => resolve({ error: 'completed' }),
      });
    });

  it('the next turn may start in the complete handler of the last', async () => {
    const chat: H2oConversation = await open();
    const { events } = await thenFrom(chat.ask$('one'), 'complete', () => chat.ask$('two'));
    expect(doneText(events ?? [])).toBe('answer 2');
  });

  it('the next turn may start in the error handler of a failed one', async () => {
    const chat = await open();
    emu.inject({ step: 'stream', status: 503 });
    const { first, events } = await thenFrom(chat.ask$('one'), 'error', () => chat.ask$('two'));
    expect(first).toBeInstanceOf(H2oHttpError);
    expect(doneText(events ?? [])).toBe('answer 1');
  });

  it('a turn left before its end frees the conversation for the next', async () => {
    const chat = await open();
    chat.ask$('one').subscribe().unsubscribe();
    expect(doneText(await turn(chat.ask$('two')))).toMatch(/^answer/);
  });
});
