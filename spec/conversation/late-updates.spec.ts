import { lastValueFrom, toArray } from 'rxjs';
import { completionEvents$, openConversation } from '../../lib';
import { startEmulator, type Emulator } from '../../lib/testing';
import { lateUpdatesMs } from '../../lib/steps/tokens';
import { until } from '../helpers';
import { h2oRoutes, startRouteServer, streamPath } from '../support/route-server';
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

describe('a server that keeps the body open after finalAnswer (no finished)', () => {
  it('done comes after the updates it wrote, within lateUpdatesMs, and the body is cut', async () => {
    const line = (u: object) => `${JSON.stringify(u)}\n`;
    const server = await startRouteServer(
      h2oRoutes((req, res) => {
        if (req.path.startsWith('/api/v2/conversations/')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ json: { rootMessageId: 'root' } }));
        }
        if (req.path !== streamPath) return void res.writeHead(200).end();
        res.writeHead(200, { 'content-type': 'application/jsonl' });
        res.write(line({ type: 'stream', token: 'Hi' }));
        res.write(line({ type: 'finalAnswer', text: 'Hi', interrupted: false }));
        res.write(line({ type: 'routerMetadata', route: '', model: '', provider: 'together' }));
        // Held open: neither finished nor the body's end comes.
      }),
    );
    const started = Date.now();
    const events = await lastValueFrom(
      completionEvents$('m', [{ role: 'user', content: 'hi' }], {
        baseUrl: server.url,
        dialect: 'chat-ui',
      }).pipe(toArray()),
    );
    expect(kinds(events)).toEqual(['token', 'router', 'done']);
    // The bound, not a test timeout: done went at lateUpdatesMs, long before the linger's 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(lateUpdatesMs);
    const stream = server.requests.find((r) => r.path === streamPath);
    await until(() => stream?.ended === true, 3000, 'the held stream closed');
    expect(server.seen().some((r) => r.endsWith('/stop-generating'))).toBe(false);
  });
});
