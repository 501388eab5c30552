import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startEmulator, type Emulator, type EmulatorFault } from '../../lib/testing';
import { send, type Incoming } from './helpers/http-client';
import { loadTranscripts, type Transcript } from './helpers/transcripts';
import { checkSetCookie, replayHeaders } from './helpers/set-cookie';

// Replays every real exchange captured from chat-ui v0.20 (spec/fixtures/transcripts-chat-ui) against
// one emulator speaking dialect `chat-ui`, in order, and checks the emulator answers alike:
// status, content type, framing (chunked or not), compression, CORS, Vary, Set-Cookie (present
// or not, same session or a new one, attributes), Location, the body (JSON values with dates,
// error ids and chat-ui's internal `materializedSeq` left out; the exact stream lines, padding
// included, keep-alives aside since they follow the clock) and whether the body ended cleanly.
// Ids the real server minted (sessions, conversations, messages, generations) map to those the
// emulator minted, learnt by lining up the answers where both sides hold them.
//
// Out of scope, not replayed: chat-ui internals no client of the protocol uses.
//   03i  GET /conversation/{id}/stream (the web app's resume channel)
//   05k  GET /conversation/{id}/__data.json (SvelteKit page data)
const OUT_OF_SCOPE = ['03i-resume-stream-channel', '05k-get-conversation-data-json'];
// Sequences 06-08 (several turns, regenerate, continue, edit, resume): emulated by the
// conversations work, which replays them once the emulator keeps whole conversations.
const CONVERSATIONS = /^0[6-8]/;

// What the real backend did in these cases cannot be replayed: the emulator injects it.
const FAULTS: Record<string, EmulatorFault[]> = {
  '04b-backend-drops-mid-stream': [{ step: 'stream', kind: 'backend-drop', afterTokens: 2 }],
  '04c-backend-http-500': [
    { step: 'stream', kind: 'error-event', afterTokens: 0, message: '500 stub: internal failure' },
  ],
  '04e-backend-drops-once-then-ok': [{ step: 'stream', kind: 'rerun', afterTokens: 2 }],
  '04f-backend-connection-reset': [
    { step: 'stream', kind: 'error-event', afterTokens: 0, message: 'Connection error.' },
  ],
};

// The streams stopped part way (03b, 03e) and the stops sent once the sixth token showed.
const STOPPED: Record<string, string> = {
  '03b-stream-while-stopped': '03c-stop-generating',
  '03e-stream-with-generationId-stopped': '03f-stop-generating-json',
};

const CAPTURED_ORIGIN = 'http://127.0.0.1:5174';
const TRANSCRIPTS = path.resolve(__dirname, '../fixtures/transcripts-chat-ui');
// INDEX.txt lists the exchanges in the order they were captured (04d came after 04f).
const captured = readFileSync(path.join(TRANSCRIPTS, 'INDEX.txt'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => line.split('\t')[0]);
const all = loadTranscripts(TRANSCRIPTS).sort(
  (a, b) => captured.indexOf(a.stem) - captured.indexOf(b.stem),
);
const cases = all.filter((t) => !OUT_OF_SCOPE.includes(t.stem) && !CONVERSATIONS.test(t.stem));
const byStem = new Map(all.map((t) => [t.stem, t]));

const ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24})$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const KEEP_ALIVE = '{"type":"status","status":"keepAlive"}';
const SLOW = Array.from({ length: 10 }, (_, i) => `tok${i} `);

describe('dialect chat-ui replays the real server transcripts', () => {
  let emu: Emulator;
  const cookies = new Map<string, string>(); // real session id -> emulator's
  const ids = new Map<string, string>(); // real id -> emulator's
  const runs = new Map<string, Promise<Incoming>>();

  beforeAll(async () => {
    // The stub backend answered "Hello, world!", titled everything "Greeting", and counted
    // slowly ("tok0 tok1 …") when asked to.
    emu = await startEmulator({
      dialect: 'chat-ui',
      tokenDelayMs: 50,
      reply: (prompt) => (prompt.startsWith('Count') ? SLOW : 'Hello, world!'),
      chatUi: { models: ['stub/model-a', 'stub/model-b'], title: () => 'Greeting' },
    });
  });
  afterAll(() => emu.close());

  const mapIds = (text: string) => {
    let out = text;
    for (const [real, ours] of ids) out = out.split(real).join(ours);
    return out;
  };

  // Walks the real and the emulator's answer side by side; an id met first here maps to ours.
  const learn = (real: unknown, ours: unknown): void => {
    if (typeof real === 'string' && typeof ours === 'string') {
      if (ID.test(real) && ID.test(ours) && !ids.has(real)) ids.set(real, ours);
      else if (real.startsWith('{"json"') && ours.startsWith('{"json"')) {
        learn(JSON.parse(real), JSON.parse(ours));
      }
    } else if (Array.isArray(real) && Array.isArray(ours)) {
      real.forEach((item, i) => learn(item, ours[i]));
    } else if (typeof real === 'object' && real !== null && typeof ours === 'object' && ours) {
      for (const [key, value] of Object.entries(real)) {
        learn(value, (ours as Record<string, unknown>)[key]);
      }
    }
  };

  // The last stored state of each real conversation: where its later message ids are read.
  const finalState = (realId: string): unknown => {
    const last = all
      .filter(
        (t) => t.request.path === `/api/v2/conversations/${realId}` && t.response.status === 200,
      )
      .at(-1);
    if (!last) return undefined;
    const gzipped = last.response.headers['content-encoding']?.[0] === 'gzip';
    return JSON.parse(
      gzipped ? gunzipSync(last.response.bytes).toString('utf8') : last.response.body,
    );
  };

  const replayed = (t: Transcript) => {
    const headers = replayHeaders(t, emu.url, CAPTURED_ORIGIN, cookies);
    const body = t.request.body === '' && t.request.method !== 'POST' ? undefined : t.request.body;
    return {
      method: t.request.method,
      path: mapIds(t.request.path),
      headers,
      body: body === undefined ? undefined : mapIds(body),
    };
  };

  // After a stream, read the emulator's conversation and line it up with the real one's last
  // state: later requests name the messages this turn stored.
  const learnTurn = async (t: Transcript, got: Incoming) => {
    const realId = /^\/conversation\/([0-9a-f]{24})$/.exec(t.request.path)?.[1];
    const ours = realId && ids.get(realId);
    if (!realId || !ours || got.status !== 200) return;
    const { Cookie: cookie } = replayed(t).headers;
    const res = await send(emu.url, {
      method: 'GET',
      path: `/api/v2/conversations/${ours}`,
      headers: cookie === undefined ? {} : { cookie },
    });
    learn(finalState(realId), JSON.parse(res.body));
  };

  const replay = async (t: Transcript, onChunk?: Parameters<typeof send>[2]) => {
    emu.inject(...(FAULTS[t.stem] ?? []));
    const got = await send(emu.url, replayed(t), onChunk);
    await learnTurn(t, got);
    return got;
  };

  const run = (t: Transcript): Promise<Incoming> => {
    const cached = runs.get(t.stem);
    if (cached) return cached;
    const stopStem = STOPPED[t.stem];
    const streamStem = Object.keys(STOPPED).find((stem) => STOPPED[stem] === t.stem);
    if (stopStem || streamStem) {
      const stream = byStem.get(streamStem ?? t.stem)!;
      const stopper = byStem.get(stopStem ?? t.stem)!;
      let stop: Promise<Incoming> | undefined;
      const streamed = replay(stream, (soFar) => {
        if (!stop && soFar.includes('"token":"tok5 ')) stop = replay(stopper);
      });
      runs.set(stream.stem, streamed);
      runs.set(
        stopper.stem,
        streamed.then(() => stop ?? Promise.reject(new Error(`${stream.stem} never got to tok5`))),
      );
    } else {
      runs.set(t.stem, replay(t));
    }
    return runs.get(t.stem)!;
  };

  const checkCookie = (t: Transcript, got: Incoming) =>
    checkSetCookie(cookies, 14 * 24 * 3600 * 1000, 60 * 1000, t, got.headers['set-cookie']);

  // Dates follow the clock, error ids are random and `materializedSeq` is chat-ui's own
  // bookkeeping of what it flushed when: none of them is the protocol's.
  const normalize = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (DATE.test(value)) return '<date>';
      return value.startsWith('{"json"') ? normalize(JSON.parse(value)) : value;
    }
    if (Array.isArray(value)) return value.map(normalize);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'materializedSeq')
          .map(([key, item]) => [key, key === 'errorId' ? '<uuid>' : normalize(item)]),
      );
    }
    return value;
  };

  const checkStream = (expected: string, actual: string) => {
    const real = expected.split('\n');
    const ours = actual.split('\n');
    expect(ours.filter((line) => line !== KEEP_ALIVE)).toEqual(
      real.filter((line) => line !== KEEP_ALIVE),
    );
    // Keep-alives start at once: the second line, before any title or token.
    expect(ours[1]).toBe(real[1]);
  };

  const textOf = (got: Incoming) =>
    got.headers['content-encoding'] === 'gzip' ? gunzipSync(got.bytes).toString('utf8') : got.body;

  const checkBody = (t: Transcript, got: Incoming) => {
    const type = t.response.headers['content-type']?.[0] ?? '';
    const gzipped = t.response.headers['content-encoding']?.[0] === 'gzip';
    const expected = gzipped ? gunzipSync(t.response.bytes).toString('utf8') : t.response.body;
    const actual = textOf(got);
    if (type.startsWith('application/jsonl')) {
      checkStream(expected, actual);
    } else if (type.startsWith('application/json')) {
      const want = JSON.parse(expected) as unknown;
      const have = JSON.parse(actual) as unknown;
      learn(want, have);
      expect(normalize(have)).toEqual(normalize(JSON.parse(mapIds(expected))));
    } else if (type.startsWith('text/html')) {
      expect(actual).toMatch(/<html/i);
    } else {
      expect(actual).toBe(expected);
    }
  };

  it('leaves out only transcripts that exist, and replays all the others', () => {
    for (const stem of OUT_OF_SCOPE) expect(byStem.has(stem)).toBe(true);
    expect(all).toHaveLength(94);
    expect(all.every((t) => captured.includes(t.stem))).toBe(true);
    expect(cases).toHaveLength(all.length - OUT_OF_SCOPE.length - 30);
  });

  it.each(cases.map((t) => [t.stem, t] as const))('%s', async (_stem, t) => {
    const got = await run(t);
    checkCookie(t, got);
    expect(got.status).toBe(t.response.status);
    for (const name of [
      'content-type',
      'content-encoding',
      'transfer-encoding',
      'vary',
      'access-control-allow-origin',
      'location',
      'allow',
    ]) {
      expect([name, got.headers[name]]).toEqual([name, t.response.headers[name]?.[0]]);
    }
    checkBody(t, got);
    expect(got.clean).toBe(t.response.clean);
  });
});
