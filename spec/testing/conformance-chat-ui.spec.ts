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
//   05k  GET /conversation/{id}/__data.json (SvelteKit page data)
const OUT_OF_SCOPE = ['05k-get-conversation-data-json'];
// The resume channel on 03e's run: its tokens came faster than chat-ui's flush window on this
// emulator, so they share sequence numbers: checked with each run of tokens joined.
const MERGED_TOKENS = ['03i-resume-stream-channel'];
// Sequences 06-08 (several turns, regenerate, continue, edit, a client that drops, resume) run
// on an emulator whose tokens come 250 ms apart, as the stub's slow mode sent them: longer than
// chat-ui's 200 ms flush window, so each token gets its own sequence number there too.
const SLOW_SEQUENCES = /^0[6-8]/;
// Read while the dropped run of 08b still generates: what they hold depends on the moment, so
// they are checked for their shape (the updates after the cursor, in order, to the end).
const WHILE_GENERATING = [
  '08c-resume-fromSeq-0-while-generating',
  '08d-resume-fromSeq-5-while-generating',
  '08e-get-api-v2-while-generating',
  '08f-resume-from-materializedSeq-while-generating',
];

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
const cases = all.filter((t) => !OUT_OF_SCOPE.includes(t.stem));
const byStem = new Map(all.map((t) => [t.stem, t]));

const ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24})$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const KEEP_ALIVE = '{"type":"status","status":"keepAlive"}';
const SLOW = Array.from({ length: 10 }, (_, i) => `tok${i} `);
const STORY = Array.from({ length: 30 }, (_, i) => `tok${i} `);
// The stub: "… echo a b c" echoed "a b c", a long story counted to 30, the rest "Hello, world!".
const reply = (prompt: string) => {
  const echo = /echo (.*)$/.exec(prompt)?.[1];
  if (echo !== undefined) return echo.split(/(?= )/);
  if (prompt.startsWith('Count')) return SLOW;
  return prompt.startsWith('Tell me a long story') ? STORY : 'Hello, world!';
};
const chatUi = { models: ['stub/model-a', 'stub/model-b'], title: () => 'Greeting' };

describe('dialect chat-ui replays the real server transcripts', () => {
  let fast: Emulator;
  let slow: Emulator;
  const emuOf = (t: Transcript) => (SLOW_SEQUENCES.test(t.stem) ? slow : fast);
  const cookies = new Map<string, string>(); // real session id -> emulator's
  const ids = new Map<string, string>(); // real id -> emulator's
  const runs = new Map<string, Promise<Incoming>>();

  beforeAll(async () => {
    // The stub backend answered "Hello, world!", titled everything "Greeting", and counted
    // slowly ("tok0 tok1 …") when asked to.
    fast = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 50, reply, chatUi });
    slow = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 250, reply, chatUi });
  });
  afterAll(() => Promise.all([fast.close(), slow.close()]));

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
    const headers = replayHeaders(t, emuOf(t).url, CAPTURED_ORIGIN, cookies);
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
    const res = await send(emuOf(t).url, {
      method: 'GET',
      path: `/api/v2/conversations/${ours}`,
      headers: cookie === undefined ? {} : { cookie },
    });
    learn(finalState(realId), JSON.parse(res.body));
  };

  const replay = async (t: Transcript, onChunk?: Parameters<typeof send>[2]) => {
    emuOf(t).inject(...(FAULTS[t.stem] ?? []));
    const got = await send(emuOf(t).url, replayed(t), onChunk);
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
    } else if (t.stem === '08b-stream-client-drops-after-3-tokens') {
      // The client closes its socket after three tokens, and sends no stop-generating.
      runs.set(
        t.stem,
        replay(t, (soFar, abort) => {
          if ((soFar.match(/"type":"stream"/g) ?? []).length >= 3) abort();
        }),
      );
    } else if (WHILE_GENERATING.includes(t.stem)) {
      // Sent together right after the drop, as they were captured.
      const dropped = run(byStem.get('08b-stream-client-drops-after-3-tokens')!);
      for (const stem of WHILE_GENERATING) {
        runs.set(
          stem,
          dropped.then(() => replay(byStem.get(stem)!)),
        );
      }
    } else if (t.stem === '08g-get-api-v2-after-finish') {
      // Once the dropped run has finished on the server.
      const tails = WHILE_GENERATING.map((stem) => run(byStem.get(stem)!));
      runs.set(
        t.stem,
        Promise.all(tails)
          .then(() => slow.settled(20_000))
          .then(() => replay(t)),
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

  // Server-sent events as [id, event, data] (heartbeats, which follow the clock, aside).
  const sseEvents = (body: string) =>
    body
      .split('\n\n')
      .filter((block) => block !== '' && !block.startsWith(':'))
      .map((block) => {
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        return [field('id'), field('event'), JSON.parse(field('data') ?? 'null')] as const;
      });

  // The events with each run of consecutive tokens joined into one, sequence numbers aside
  // (they must still rise one by one).
  const joinTokens = (events: ReturnType<typeof sseEvents>) => {
    const ids = events.flatMap(([id]) => (id === undefined ? [] : [Number(id)]));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const out: [string | undefined, unknown][] = [];
    for (const [, event, data] of events) {
      const last = out.at(-1)?.[1] as { type?: string; token?: string } | undefined;
      const token = data as { type?: string; token?: string } | null;
      if (last?.type === 'stream' && token?.type === 'stream') last.token += token.token ?? '';
      else out.push([event, token?.type === 'stream' ? { ...token } : data]);
    }
    return out;
  };

  const storyText = STORY.join('').trimEnd();

  const checkWhileGenerating = (t: Transcript, expected: string, actual: string) => {
    if (t.stem === '08e-get-api-v2-while-generating') {
      // The answer so far, and the sequence number saved with it.
      const answerOf = (text: string) =>
        (JSON.parse(text) as { json: { messages: Record<string, unknown>[] } }).json.messages.at(
          -1,
        )!;
      const partial = answerOf(actual);
      expect(storyText.startsWith(String(partial.content))).toBe(true);
      expect(partial.materializedSeq).toEqual(expect.any(Number));
      const shape = (m: Record<string, unknown>) =>
        normalize({ ...m, content: '<partial>', updates: '<so far>' });
      expect(shape(partial)).toEqual(shape(answerOf(mapIds(expected))));
      return;
    }
    // The replay and live tail: every update after the cursor, in order, to the end.
    const from = Number(/fromSeq=(\d+)/.exec(t.request.path)?.[1]);
    const ours = sseEvents(actual);
    const real = sseEvents(mapIds(expected));
    expect(ours).toEqual(real);
    expect(ours[0][0]).toBe(String(from + 1));
  };

  const textOf = (got: Incoming) =>
    got.headers['content-encoding'] === 'gzip' ? gunzipSync(got.bytes).toString('utf8') : got.body;

  const checkBody = (t: Transcript, got: Incoming) => {
    const type = t.response.headers['content-type']?.[0] ?? '';
    const gzipped = t.response.headers['content-encoding']?.[0] === 'gzip';
    const expected = gzipped ? gunzipSync(t.response.bytes).toString('utf8') : t.response.body;
    const actual = textOf(got);
    if (WHILE_GENERATING.includes(t.stem)) {
      checkWhileGenerating(t, expected, actual);
    } else if (MERGED_TOKENS.includes(t.stem)) {
      expect(joinTokens(sseEvents(actual))).toEqual(joinTokens(sseEvents(mapIds(expected))));
    } else if (type.startsWith('text/event-stream')) {
      expect(actual).toBe(mapIds(expected));
    } else if (type.startsWith('application/jsonl')) {
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
    expect(cases).toHaveLength(all.length - OUT_OF_SCOPE.length);
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
