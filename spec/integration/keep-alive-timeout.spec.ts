// The README's timeout pattern for today's chat-ui (section "Events of today's chat-ui"),
// scaled down: `timeout({ first, each })` right on completionEvents$ / ask$, before h2oRetry
// and any filter, is reset by the server's keep-alives (one every 100 ms), so a long quiet
// phase of the answer does not trip it nor start a retry; the same timeout without the
// keep-alives (filtered out, or completion$'s tokens alone) does trip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, tap, TimeoutError, timeout } from 'rxjs';
import {
  completion$,
  completionEvents$,
  h2oRetry,
  h2oText,
  openConversation,
  type CompletionEvent,
} from '../../lib';
import { type Emulator, startEmulator } from '../../lib/testing';
import { collect, ofStep, quiet } from '../helpers';

// Loaded machines: the quiet phase is 3 s, the idle timeout 1 s, the keep-alives 100 ms apart.
jest.setTimeout(60_000);
const QUIET_MS = 3_000;
const EACH_MS = 1_000;

let emu: Emulator;
beforeEach(async () => {
  // The second token comes QUIET_MS after the first: between them only keep-alives.
  emu = await startEmulator({
    dialect: 'chat-ui',
    tokenDelayMs: QUIET_MS,
    reply: () => ['Hello', ' there'],
  });
});
afterEach(() => emu.close());

const messages = [{ role: 'user' as const, content: 'Think first' }];
const options = () => ({ baseUrl: emu.url, dialect: 'chat-ui' as const });
const isKeepAlive = (e: CompletionEvent) => e.type === 'keep-alive';

test('the README shows the pattern: timeout first on the events, then h2oRetry, then h2oText', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("## Events of today's chat-ui"));
  expect(section).toMatch(
    /\.pipe\(\s*timeout\(\{ first: 30_000, each: 10_000 \}\),[^\n]*\n\s*h2oRetry\(\{ count: 3 \}\),\s*h2oText\(\),/,
  );
});

test('completionEvents$: keep-alives reset the idle timeout; no timeout, no retry, one stream POST', async () => {
  let keepAlives = 0;
  const text = await lastValueFrom(
    completionEvents$('llama3', messages, options()).pipe(
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
      tap((e) => (keepAlives += isKeepAlive(e) ? 1 : 0)),
      h2oText(),
    ),
  );
  expect(text).toBe('Hello there');
  // A gap of QUIET_MS passed an idle timeout of EACH_MS: keep-alives came in between.
  expect(keepAlives).toBeGreaterThanOrEqual(QUIET_MS / EACH_MS - 1);
  await quiet(emu);
  expect(ofStep(emu, 'stream')).toHaveLength(1);
  expect(ofStep(emu, 'stop')).toHaveLength(0);
});

test('ask$: the same; its keep-alives pass through the conversation', async () => {
  const conversation = await firstValueFrom(openConversation('llama3', options()));
  let keepAlives = 0;
  const text = await lastValueFrom(
    conversation.ask$('Think first').pipe(
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
      tap((e) => (keepAlives += isKeepAlive(e) ? 1 : 0)),
      h2oText(),
    ),
  );
  expect(text).toBe('Hello there');
  expect(keepAlives).toBeGreaterThanOrEqual(QUIET_MS / EACH_MS - 1);
  await quiet(emu);
  expect(ofStep(emu, 'stream')).toHaveLength(1);
});

test('keep-alives filtered out before the timeout: it trips in the quiet phase', async () => {
  const result = await collect(
    completionEvents$('llama3', messages, options()).pipe(
      filter((e) => !isKeepAlive(e)),
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
      h2oText(),
    ),
  );
  expect(result.values).toEqual(['Hello']);
  expect(result.error).toBeInstanceOf(TimeoutError);
  // Not retried: the user has seen a token. The timeout's unsubscribe stopped the server.
  await quiet(emu);
  expect(ofStep(emu, 'stream')).toHaveLength(1);
  expect(ofStep(emu, 'stop')).toHaveLength(1);
});

test("completion$'s tokens carry no keep-alives: the same timeout trips", async () => {
  const result = await collect(
    completion$('llama3', messages, options()).pipe(
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
    ),
  );
  expect(result.values).toEqual(['Hello']);
  expect(result.error).toBeInstanceOf(TimeoutError);
});

test('a dropped answer re-attached through the resume channel: its heartbeats are keep-alives too', async () => {
  // The client's connection drops after the first token; the rest comes over the resume
  // channel, which writes `: heartbeat` every 250 ms while nothing is new.
  emu.inject({ step: 'stream', kind: 'drop', afterTokens: 1 });
  let keepAlives = 0;
  let resumed = false;
  const text = await lastValueFrom(
    completionEvents$('llama3', messages, options()).pipe(
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
      tap((e) => {
        if (e.type === 'step' && e.step === 'resume') resumed = true;
        else if (resumed && isKeepAlive(e)) keepAlives++;
      }),
      h2oText(),
    ),
  );
  expect(text).toBe('Hello there');
  expect(keepAlives).toBeGreaterThanOrEqual(1);
  await quiet(emu);
  expect(ofStep(emu, 'stream')).toHaveLength(1);
  expect(ofStep(emu, 'resume')).toHaveLength(1);
});
