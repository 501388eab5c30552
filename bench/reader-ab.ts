// Dialect chat-ui's update reader (lib/stream/chat-ui.ts, one call per stream line) of two
// builds side by side: the same 100k lines of today's chat-ui (padded tokens, without and with
// a keep-alive after every fifth) through each build's readChatUiUpdate into a sink that only
// counts; interleaved rounds, the median per line and the ratio (this build over the base).
// npm run build && node --expose-gc --import tsx bench/reader-ab.ts <base build's dist/cjs/index.js>
//   [--rounds=31]
// This build is dist/cjs (or the one LIBDIST names). See bench/PROFILE.md §11.
import * as path from 'node:path';
import type * as ChatUi from '../lib/stream/chat-ui';
import type { StreamSink } from '../lib/stream/tgi';
import { fmt, interleave, median, roundRatios, spreadOf } from './stats';

const LINES = 100_000;

const readerOf = (index: string): typeof ChatUi.readChatUiUpdate =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(path.dirname(path.resolve(index)), 'stream', 'chat-ui.js')) as typeof ChatUi)
    .readChatUiUpdate;

// The payloads the line decoder hands the reader: a token's line as the server pads it, and
// a keep-alive after every `keepAliveEvery`-th.
const payloads = (keepAliveEvery: number): string[] => {
  const out: string[] = [];
  for (let id = 0; out.length < LINES; id++) {
    const text = ` w${id}`;
    out.push(JSON.stringify({ type: 'stream', token: text + '\u0000'.repeat(16 - text.length) }));
    if (keepAliveEvery > 0 && (id + 1) % keepAliveEvery === 0) {
      out.push('{"type":"status","status":"keepAlive"}');
    }
  }
  return out;
};

const timeReader = (read: typeof ChatUi.readChatUiUpdate, lines: readonly string[]) => {
  let seen = 0;
  const sink: StreamSink = {
    token: () => void seen++,
    final: () => undefined,
    update: () => void seen++,
  };
  const started = process.hrtime.bigint();
  for (const line of lines) read(line, sink);
  const ns = Number(process.hrtime.bigint() - started);
  if (seen === 0) throw new Error('the reader saw nothing');
  return Promise.resolve(ns / lines.length);
};

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const main = async () => {
  const basePath = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!basePath) throw new Error('usage: bench/reader-ab.ts <base build index.js> [--rounds=N]');
  const thisPath = process.env.LIBDIST ?? path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
  const base = readerOf(basePath);
  const current = readerOf(thisPath);
  const rounds = Number(arg('rounds') ?? 31);
  for (const [name, every] of [
    ['tokens', 0],
    ['tokens+ka', 5],
  ] as const) {
    const lines = payloads(every);
    const ns = await interleave(rounds, {
      base: () => timeReader(base, lines),
      this: () => timeReader(current, lines),
    });
    const s = spreadOf(roundRatios(ns.this, ns.base));
    console.log(
      `${name.padEnd(10)} ns/line base ${fmt(median(ns.base), 0)} this ${fmt(median(ns.this), 0)}: ` +
        `${s.median.toFixed(3)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)}); ${rounds} rounds`,
    );
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
