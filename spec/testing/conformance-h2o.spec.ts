import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorFault } from '../../lib/testing';
import { events, send, type Incoming } from './helpers/http-client';
import { loadTranscripts, type Transcript } from './helpers/transcripts';
import { checkSetCookie, replayHeaders } from './helpers/set-cookie';

// Replays every real exchange of sequences 01-11 (spec/fixtures/transcripts, captured from chat-ui as
// gpt-gm ran it) against one emulator, in order, and checks the emulator answers alike: status,
// content type, Set-Cookie (present or not, same session or a new one, attributes), Location
// and Allow, body (JSON values, exact text, exact event stream) and whether the body ended
// cleanly. Cookies and conversation ids the real server minted map to those the emulator
// minted, across sequences (03d reuses 01's cookie).
//
// Page data (`__data.json`) is compared after its dates are blanked: the history the server
// stored, in SvelteKit's devalue encoding, index for index.
//
// Out of scope, not replayed: backend calls no client of the protocol makes, and page data
// whose models carried another configuration (stop sequences, top_p) than sequences 10-11's.
//   01f, 01i, 04c, 05c, 06h  __data.json of a server configured with other model parameters
//   01g, 08e            POST /conversation/{id}/summarize (a title from the backend)
const OUT_OF_SCOPE = [
  '01f-get-conversation-data-json',
  '01g-post-summarize',
  '01i-get-root-data-json',
  '04c-data-after-concurrent',
  '05c-data-after-stop',
  '06h-data-after-failures',
  '08e-summarize-backend-unreachable',
];
// Sequence 11 drops its client mid-answer and reads the history before and after the answer
// is whole: it runs on an emulator of its own, slow enough that "before" is long.
const SLOW = /^11/;
// The stub of sequences 10-11 echoed the last user turn, in space-separated tokens.
const echo = (prompt: string) =>
  `Echo from falcon-40b: ${prompt.split('<|prompt|>').at(-1)!.split('<|endoftext|>')[0]} -- done.`;
const reply = (prompt: string) =>
  /^<\|prompt\|>(What is the capital|Please count)/.test(prompt)
    ? echo(prompt).split(/(?= )/)
    : 'Hello, world!';

// What the real backend did in these cases cannot be replayed: the emulator injects it.
const FAULTS: Record<string, EmulatorFault[]> = {
  '06d-backend-drops-mid-stream': [{ step: 'stream', kind: 'backend-drop', afterTokens: 2 }],
  '11d-stream-client-drops-after-3-tokens': [],
  '06e-backend-inband-error-event': [{ step: 'stream', kind: 'error-event', afterTokens: 2 }],
  '06f-backend-http-500': [
    {
      step: 'stream',
      status: 500,
      body: '{"error":"Request failed during generation: Server error: CUDA out of memory","error_type":"generation"}',
    },
  ],
  '06g-backend-http-422': [{ step: 'stream', status: 422 }],
  '08d-backend-unreachable': [{ step: 'stream', status: 500 }],
};

const CAPTURED_ORIGIN = 'http://127.0.0.1:5173';
const TRANSCRIPTS = path.resolve(__dirname, '../fixtures/transcripts');
const all = loadTranscripts(TRANSCRIPTS);
const cases = all.filter((t) => !OUT_OF_SCOPE.includes(t.stem));
const byStem = new Map(all.map((t) => [t.stem, t]));

describe('dialect h2o replays the real server transcripts', () => {
  let emu: Emulator;
  let slow: Emulator;
  const emuOf = (t: Transcript) => (SLOW.test(t.stem) ? slow : emu);
  const cookies = new Map<string, string>(); // real session id -> emulator's
  const ids = new Map<string, string>(); // real conversation id -> emulator's
  const runs = new Map<string, Promise<Incoming>>();

  beforeAll(async () => {
    // The stub backend answered "Hello, world!" to everything; RATE_LIMIT=4 let 5 messages
    // through (chat-ui refuses once the count is above the limit): rateLimit counts allowed ones.
    // The capture's stop cut its stream at once: its backend was slow beside the server's
    // once-a-second read of stops, which this fast one is not (stops read at every token).
    emu = await startEmulator({ tokenDelayMs: 20, reply, rateLimit: 5, h2o: { stopCheckMs: 0 } });
    slow = await startEmulator({ tokenDelayMs: 100, reply });
  });
  afterAll(() => Promise.all([emu.close(), slow.close()]));

  const mapIds = (text: string) => {
    let out = text;
    for (const [real, ours] of ids) out = out.split(real).join(ours);
    return out;
  };

  const replayed = (t: Transcript) => {
    const headers = replayHeaders(t, emuOf(t).url, CAPTURED_ORIGIN, cookies);
    const body = t.request.body === '' && t.request.method === 'GET' ? undefined : t.request.body;
    return {
      method: t.request.method,
      path: mapIds(t.request.path),
      headers,
      body: body === undefined ? undefined : mapIds(body),
    };
  };

  const replay = async (t: Transcript, onChunk?: Parameters<typeof send>[2]) => {
    // A read of the stored turns went out once the server had saved them (it saves a turn
    // just after its stream ends).
    if (/data/.test(t.stem) && t.stem !== '11e-data-json-right-after-drop') {
      await emuOf(t).settled();
    }
    emuOf(t).inject(...(FAULTS[t.stem] ?? []));
    return send(emuOf(t).url, replayed(t), onChunk);
  };

  // 04a/04b went out ~100 ms apart on one conversation; 05b stopped 05a after two tokens.
  const run = (t: Transcript): Promise<Incoming> => {
    const cached = runs.get(t.stem);
    if (cached) return cached;
    if (t.stem === '04a-concurrent-stream' || t.stem === '04b-concurrent-stream') {
      const a = replay(byStem.get('04a-concurrent-stream')!);
      const b = new Promise<void>((r) => setTimeout(r, 100)).then(() =>
        replay(byStem.get('04b-concurrent-stream')!),
      );
      runs.set('04a-concurrent-stream', a);
      runs.set('04b-concurrent-stream', b);
    } else if (t.stem === '05a-stream-while-stopped' || t.stem === '05b-stop-generating') {
      let stop: Promise<Incoming> | undefined;
      const stream = replay(byStem.get('05a-stream-while-stopped')!, (soFar) => {
        if (!stop && events(soFar).length >= 2) {
          stop = replay(byStem.get('05b-stop-generating')!);
          runs.set('05b-stop-generating', stop);
        }
      });
      runs.set('05a-stream-while-stopped', stream);
      runs.set(
        '05b-stop-generating',
        stream.then(() => stop ?? Promise.reject(new Error('05a never streamed two tokens'))),
      );
    } else if (t.stem === '11d-stream-client-drops-after-3-tokens') {
      // The client closes its socket after three tokens, and sends no stop-generating.
      runs.set(
        t.stem,
        replay(t, (soFar, abort) => {
          if (events(soFar).length >= 3) abort();
        }),
      );
    } else if (t.stem === '11f-data-json-when-full-answer-appears') {
      // Read once the server has finished the answer it went on generating.
      runs.set(
        t.stem,
        run(byStem.get('11e-data-json-right-after-drop')!)
          .then(() => slow.settled(10_000))
          .then(() => replay(t)),
      );
    } else {
      runs.set(t.stem, replay(t));
    }
    return runs.get(t.stem)!;
  };

  const checkCookie = (t: Transcript, got: Incoming) =>
    checkSetCookie(
      cookies,
      365 * 24 * 3600 * 1000,
      2 * 24 * 3600 * 1000,
      t,
      got.headers['set-cookie'],
    );

  const checkStream = (expected: string, actual: string) => {
    expect(actual).toBe(expected);
    const got = events(actual);
    const tokens = got.filter((e) => 'token' in e);
    const last = got[got.length - 1];
    if (last && last.generated_text !== null && last.generated_text !== undefined) {
      const text = tokens
        .map((e) => e.token as { text: string; special: boolean })
        .filter((token) => !token.special)
        .map((token) => token.text)
        .join('');
      expect(last.generated_text).toBe(text);
    }
    for (const e of tokens.slice(0, -1)) expect(e.generated_text).toBeNull();
  };

  const checkBody = (t: Transcript, got: Incoming) => {
    const type = t.response.headers['content-type']?.[0] ?? '';
    const expected = t.response.body.split(CAPTURED_ORIGIN).join(emuOf(t).url);
    if (type.startsWith('application/json')) {
      const want = JSON.parse(blankDates(expected)) as Record<string, unknown>;
      const have = JSON.parse(blankDates(got.body)) as Record<string, unknown>;
      if (typeof want.conversationId === 'string') {
        const taken = [...ids.values()];
        ids.set(want.conversationId, String(have.conversationId));
        expect(have.conversationId).toMatch(/^[0-9a-f]{24}$/);
        expect(taken).not.toContain(have.conversationId);
      }
      expect(have).toEqual(JSON.parse(mapIds(blankDates(expected))));
    } else if (type.startsWith('text/event-stream')) {
      // The stub of sequences 10-11 wrote other log-probabilities; they mean nothing here.
      checkStream(sameLogprobs(expected), sameLogprobs(got.body));
    } else if (type.startsWith('text/html')) {
      expect(got.body).toMatch(/<html/i);
    } else {
      expect(got.body).toBe(expected);
    }
  };

  const blankDates = (text: string) => text.replace(/\["Date","[^"]*"\]/g, '["Date",""]');
  const sameLogprobs = (text: string) => text.replace(/"logprob":-?[\d.]+/g, '"logprob":0');

  it('leaves out only transcripts that exist', () => {
    for (const stem of OUT_OF_SCOPE) expect(byStem.has(stem)).toBe(true);
    expect(cases.length).toBe(all.length - OUT_OF_SCOPE.length);
  });

  it.each(cases.map((t) => [t.stem, t] as const))('%s', async (_stem, t) => {
    const got = await run(t);
    checkCookie(t, got);
    expect(got.status).toBe(t.response.status);
    expect(got.headers['content-type']).toBe(t.response.headers['content-type']?.[0]);
    for (const name of ['location', 'allow']) {
      const expected = t.response.headers[name]?.[0]?.split(CAPTURED_ORIGIN).join(emu.url);
      expect(got.headers[name]).toBe(expected);
    }
    checkBody(t, got);
    expect(got.clean).toBe(t.response.clean);
  });
});
