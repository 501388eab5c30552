// Two builds of the library side by side in one process, on the cases where a change to the
// per-token or per-completion path shows: a 100k-token stream (from a fetch that answers from
// memory: the library's layers alone; replayed over loopback in one write, so that the client
// is the bottleneck; from the emulator), 300 completions at once and 30 one after the other
// (200 tokens each, a fresh session each). The two sides of a round run back to back in an
// order that rotates, each from a collected heap; each round gives one ratio (this build over
// the base) of wall time and of this process's CPU time: median, min and max over the rounds,
// and the ratio of the sums over all rounds.
// npm run build && node --expose-gc --import tsx bench/ab.ts <base build's dist/cjs/index.js>
//   [--only=memory,chat-ui,chat-ui-ka,replay,throughput,chat-ui-emu,burst,sequential]
//   [--rounds=15]
// chat-ui and chat-ui-ka: dialect chat-ui's 100k tokens from memory, without and with a
// keep-alive after every fifth; chat-ui-emu: from the emulator in dialect chat-ui.
// This build is dist/cjs (or the one LIBDIST names). See bench/PROFILE.md §10.
import { loadavg } from 'node:os';
import type * as Lib from '../lib';
import type { CompletionOptions } from '../lib';
import { lib, libraryAt } from './built';
import { spawnEmulator } from './child';
import { completionOf } from './lib-client';
import { chatUiMemoryFetch, memoryFetch } from './memory-fetch';
import { cpuMs, fmt, interleave, median, roundRatios, spreadOf } from './stats';

const STREAM = 100_000;
const SHORT = 200;

type Completion = (url: string, tokens: number) => Promise<{ count: number }>;

const counted = async (one: Promise<{ count: number }>, tokens: number) => {
  const { count } = await one;
  if (count !== tokens) throw new Error(`${count} tokens of ${tokens}`);
};

const stream = (complete: Completion, url: string) => counted(complete(url, STREAM), STREAM);

interface Case {
  /** Where the answers come from: the replay server, the emulator, or a fetch from memory. */
  server: 'replay' | 'emulator' | 'memory';
  /** One side's batch. */
  batch: (complete: Completion, url: string) => Promise<void>;
  /** The completion's options (the fetch from memory, the dialect); default dialect h2o. */
  options?: CompletionOptions;
}

// Dialect chat-ui's 100k tokens: its reader of every update (issue 18) against the base's.
// `keepAliveEvery` 5: what a model at 50 tokens a second gets beside them (one each 100 ms).
const chatUiMemory = (keepAliveEvery: number): Case => ({
  server: 'memory',
  batch: stream,
  options: { dialect: 'chat-ui', fetch: chatUiMemoryFetch(STREAM, keepAliveEvery) },
});

const cases: Record<string, Case> = {
  memory: { server: 'memory', batch: stream, options: { fetch: memoryFetch(STREAM) } },
  'chat-ui': chatUiMemory(0),
  'chat-ui-ka': chatUiMemory(5),
  replay: { server: 'replay', batch: stream },
  throughput: { server: 'emulator', batch: stream },
  'chat-ui-emu': { server: 'emulator', batch: stream, options: { dialect: 'chat-ui' } },
  burst: {
    server: 'emulator',
    batch: async (complete, url) => {
      await Promise.all(Array.from({ length: 300 }, () => counted(complete(url, SHORT), SHORT)));
    },
  },
  sequential: {
    server: 'emulator',
    batch: async (complete, url) => {
      for (let i = 0; i < 30; i++) await counted(complete(url, SHORT), SHORT);
    },
  },
};

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

// Other processes share the machine: each line says how loaded it was.
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const timed = async (run: () => Promise<void>) => {
  const used = process.cpuUsage();
  const started = performance.now();
  await run();
  return { wall: performance.now() - started, cpu: cpuMs(used) };
};

type Side = 'base' | 'this';

const runCase = async (
  name: string,
  { server, batch, options = {} }: Case,
  builds: Record<Side, typeof Lib>,
) => {
  const rounds = Number(arg('rounds') ?? 15);
  const sides: Record<Side, Completion> = {
    base: completionOf(builds.base, options),
    this: completionOf(builds.this, options),
  };
  const emu =
    server === 'memory'
      ? undefined
      : await spawnEmulator({
          tokenDelayMs: 0,
          replay: server === 'replay',
          dialect: options.dialect,
        });
  const url = emu?.url ?? 'http://127.0.0.1:9';
  try {
    const figures = await interleave(rounds, {
      base: () => timed(() => batch(sides.base, url)),
      this: () => timed(() => batch(sides.this, url)),
    });
    const of = (side: Side, key: 'wall' | 'cpu') => figures[side].map((f) => f[key]);
    // The ratio of the rounds' sums beside the median of their ratios: a round that another
    // process disturbed weighs as much as it lasted, no more.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const spread = (key: 'wall' | 'cpu') => {
      const s = spreadOf(roundRatios(of('this', key), of('base', key)));
      const whole = sum(of('this', key)) / sum(of('base', key));
      return `${s.median.toFixed(3)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)}; sums ${whole.toFixed(3)}x)`;
    };
    const ms = (side: Side, key: 'wall' | 'cpu') => fmt(median(of(side, key)), 0);
    console.log(
      `${name.padEnd(10)} wall ms base ${ms('base', 'wall')} this ${ms('this', 'wall')}: ` +
        `${spread('wall')}; CPU ms base ${ms('base', 'cpu')} this ${ms('this', 'cpu')}: ` +
        `${spread('cpu')}; ${rounds} rounds; load ${loadAverage()}`,
    );
  } finally {
    await emu?.close();
  }
};

const main = async () => {
  const basePath = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!basePath)
    throw new Error('usage: bench/ab.ts <base build index.js> [--only=…] [--rounds=N]');
  const builds = { base: libraryAt(basePath), this: lib };
  const only = arg('only')?.split(',');
  console.log(`base ${basePath}; load ${loadAverage()}`);
  for (const [name, spec] of Object.entries(cases)) {
    if (!only || only.includes(name)) await runCase(name, spec, builds);
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
