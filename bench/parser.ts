// Case 2: the library's bytes → lines → events → tokens layer (pumpStream + readTgiEvent)
// beside eventsource-parser v3 over the same ~50 MB of TGI events, split at the same random
// chunk sizes; both sides JSON.parse every event's data. Interleaved, medians.
import { createParser } from 'eventsource-parser';
import { planEvents } from '../lib/testing/h2o/tgi-stream';
import { stream } from './built';
import { fmt, median, ratio, Row } from './stats';

const TARGET_BYTES = 50 * 1024 * 1024;
const ROUNDS = 9;
// Words, punctuation, multi-byte text and an emoji, so UTF-8 characters straddle chunks.
const VOCAB = [' the', ' model', ',', ' données', ' 日本語', ' 🙂', '.', ' w42', '\n', ' "q"'];

// A small seeded PRNG (mulberry32), so every run splits the bytes the same way.
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** ~50 MB of TGI events as the emulator writes them, cut into chunks of 1 B to 64 KiB. */
const fixture = () => {
  const next = random(42);
  const tokens: string[] = [];
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    const token = VOCAB[Math.floor(next() * VOCAB.length)];
    tokens.push(token);
    bytes += 114 + token.length; // about one event's size
  }
  const events = planEvents(tokens, { maxNewTokens: tokens.length + 1, stop: [] });
  const all = Buffer.from(events.join(''), 'utf8');
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length;) {
    const size = Math.max(1, Math.round(Math.exp(next() * Math.log(65536))));
    chunks.push(all.subarray(at, at + size));
    at += size;
  }
  return { chunks, bytes: all.length, tokens: tokens.length };
};

async function* iterate(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

type Parsed = { token?: { text?: string; special?: boolean } | null; generated_text?: unknown };

const viaLibrary = async (chunks: readonly Uint8Array[]) => {
  let tokens = 0;
  let final = false;
  await stream.pumpStream(iterate(chunks), 16 * 1024 * 1024, stream.readTgiEvent, {
    token: () => void tokens++,
    final: () => void (final = true),
    update: () => undefined,
  });
  return final ? tokens : -1;
};

const viaEventsourceParser = async (chunks: readonly Uint8Array[]) => {
  let tokens = 0;
  let final = false;
  const parser = createParser({
    onEvent: (event) => {
      const raw = JSON.parse(event.data) as Parsed;
      if (raw.token && raw.token.special !== true && raw.token.text) tokens++;
      if (typeof raw.generated_text === 'string') final = true;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of iterate(chunks)) parser.feed(decoder.decode(chunk, { stream: true }));
  parser.feed(decoder.decode());
  return final ? tokens : -1;
};

/** Runs the case in this process (no network). */
export const parser = async () => {
  const { chunks, bytes, tokens } = fixture();
  const sides = {
    pumpStream: viaLibrary,
    'eventsource-parser': viaEventsourceParser,
  } as const;
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const times: Record<string, number[]> = { pumpStream: [], 'eventsource-parser': [] };
  for (const name of names) await sides[name](chunks); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const started = performance.now();
      const seen = await sides[name](chunks);
      times[name].push(performance.now() - started);
      // Every ordinary token, the last one included (an ordinary token ends the answer here).
      if (seen !== tokens) throw new Error(`${name}: ${seen} tokens of ${tokens}`);
    }
  }
  const mb = bytes / 1024 / 1024;
  const rows: Row[] = names.map((name) => ({
    case: 'parser',
    client: name,
    figure: `${fmt(mb, 0)} MB, ${chunks.length} chunks: ms (MB/s)`,
    value: fmt(median(times[name]), 0),
    note: `${fmt(mb / (median(times[name]) / 1000), 0)} MB/s`,
  }));
  return {
    rows,
    ratios: {
      vsEventsourceParser: ratio(median(times.pumpStream), median(times['eventsource-parser'])),
    },
  };
};
