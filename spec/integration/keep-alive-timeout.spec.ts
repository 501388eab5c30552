// The README's timeout pattern for today's chat-ui (section "Events of today's chat-ui"),
// scaled down: `timeout({ first, each })` right on completionEvents$ / ask$, before h2oRetry
// and any filter, is reset by the server's keep-alives (one every 100 ms), so a long quiet
// phase (the emulator's reasoning model thinking, a slow token) does not trip it nor start a
// retry; the same timeout without the keep-alives (filtered out, or completion$'s tokens alone)
// does trip, and before any output h2oRetry then runs the answer again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  type Observable,
  tap,
  TimeoutError,
  timeout,
} from 'rxjs';
import {
  completion$,
  completionEvents$,
  h2oRetry,
  h2oText,
  openConversation,
  type CompletionEvent,
} from '../../lib';
import { type Emulator, REASONING_MODEL_ID, startEmulator } from '../../lib/testing';
import { collect, ofStep, quiet } from '../helpers';

// Loaded machines: the quiet phase is 3 s, the idle timeout 1 s, the keep-alives 100 ms apart.
jest.setTimeout(60_000);
const QUIET_MS = 3_000;
const EACH_MS = 1_000;

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const messages = [{ role: 'user' as const, content: 'Think first' }];
const on = () => {
  if (!emu) throw new Error('no emulator');
  return emu;
};
const options = () => ({ baseUrl: on().url, dialect: 'chat-ui' as const });
const isKeepAlive = (e: CompletionEvent) => e.type === 'keep-alive';

/** The README's pattern, scaled: the answer's text, and the keep-alives that passed it. */
const readmePattern = async (events$: Observable<CompletionEvent>) => {
  let keepAlives = 0;
  const text = await lastValueFrom(
    events$.pipe(
      timeout({ first: 30_000, each: EACH_MS }),
      h2oRetry({ count: 3, baseMs: 10 }),
      tap((e) => (keepAlives += isKeepAlive(e) ? 1 : 0)),
      h2oText(),
    ),
  );
  return { text, keepAlives };
};

// A gap of QUIET_MS passed an idle timeout of EACH_MS: keep-alives came in between.
const enoughKeepAlives = QUIET_MS / EACH_MS - 1;

test('the README shows the pattern: timeout first on the events, then h2oRetry, then h2oText', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("## Events of today's chat-ui"));
  expect(section).toMatch(
    /\.pipe\(\s*timeout\(\{ first: 30_000, each: 10_000 \}\),[^\n]*\n\s*h2oRetry\(\{ count: 3 \}\),\s*h2oText\(\),/,
  );
});

describe("the reasoning model's quiet phase, before any output", () => {
  beforeEach(async () => {
    // It thinks QUIET_MS without a word on the wire ('hidden'): only keep-alives.
    emu = await startEmulator({
      dialect: 'chat-ui',
      reply: () => ['Hello', ' there'],
      chatUi: { reasoning: { durationMs: QUIET_MS, tokens: 0, wire: 'hidden' } },
    });
  });

  test('completionEvents$: keep-alives reset the idle timeout; no retry, one stream POST', async () => {
    const { text, keepAlives } = await readmePattern(
      completionEvents$(REASONING_MODEL_ID, messages, options()),
    );
    expect(text).toBe('Hello there');
    expect(keepAlives).toBeGreaterThanOrEqual(enoughKeepAlives);
    await quiet(on());
    expect(ofStep(on(), 'stream')).toHaveLength(1);
    expect(ofStep(on(), 'stop')).toHaveLength(0);
  });

  test('ask$: the same; its keep-alives pass through the conversation', async () => {
    const conversation = await firstValueFrom(openConversation(REASONING_MODEL_ID, options()));
    const { text, keepAlives } = await readmePattern(conversation.ask$('Think first'));
    expect(text).toBe('Hello there');
    expect(keepAlives).toBeGreaterThanOrEqual(enoughKeepAlives);
    await quiet(on());
    expect(ofStep(on(), 'stream')).toHaveLength(1);
  });

  test('keep-alives filtered out before the timeout: each attempt trips, and is retried', async () => {
    const result = await collect(
      completionEvents$(REASONING_MODEL_ID, messages, options()).pipe(
        filter((e) => !isKeepAlive(e)),
        timeout({ first: 30_000, each: EACH_MS }),
        h2oRetry({ count: 1, baseMs: 10 }),
        h2oText(),
      ),
    );
    expect(result.values).toEqual([]);
    expect(result.error).toBeInstanceOf(TimeoutError);
    // Nothing shown yet: h2oRetry ran the answer again, and it tripped again.
    await quiet(on());
    expect(ofStep(on(), 'stream')).toHaveLength(2);
  });
});

describe('a quiet phase mid-answer (QUIET_MS between two tokens)', () => {
  beforeEach(async () => {
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: QUIET_MS,
      reply: () => ['Hello', ' there'],
    });
  });

  test('keep-alives filtered out: the timeout trips after the first token (not retried)', async () => {
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
    // The user has seen a token. The timeout's unsubscribe stopped the server.
    await quiet(on());
    expect(ofStep(on(), 'stream')).toHaveLength(1);
    expect(ofStep(on(), 'stop')).toHaveLength(1);
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

  test('re-attached through the resume channel: its heartbeats are keep-alives too', async () => {
    // The client's connection drops after the first token; the rest comes over the resume
    // channel, which writes `: heartbeat` every 250 ms while nothing is new.
    on().inject({ step: 'stream', kind: 'drop', afterTokens: 1 });
    const { text, keepAlives } = await readmePattern(
      completionEvents$('llama3', messages, options()),
    );
    expect(text).toBe('Hello there');
    expect(keepAlives).toBeGreaterThanOrEqual(enoughKeepAlives);
    await quiet(on());
    expect(ofStep(on(), 'stream')).toHaveLength(1);
    expect(ofStep(on(), 'resume')).toHaveLength(1);
  });
});
