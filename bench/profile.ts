// One side of the handshake cases alone, profiled: `npm run profile -- sequential [dir] [raw]`
// (300 completions one after the other) or `-- concurrent` (2 bursts of 300 at once), 200
// tokens each on a fresh session, the emulator in its own process; the library unless `raw`. It runs the tsc build
// (dist/cjs, so that the profile names every function; `npm run build` first) and profiles
// only the measured runs, after a warm-up, with the inspector: module loading is not in it.
// Writes <shape>.cpuprofile into the directory given (default: the OS temp dir), which
// `npm run profile:summary -- <dir>` groups by layer.
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as lib from '../lib';
import { spawnEmulator } from './child';
import { rawCompletion, rawInputs } from './raw-client';
import { askFor } from './reply';

const TOKENS = 200;

const load = async (): Promise<typeof lib> => {
  const built = path.join(__dirname, '..', 'dist', 'cjs', 'index.js');
  if (!fs.existsSync(built)) throw new Error(`no ${built}: run npm run build first`);
  return (await import(built)) as typeof lib;
};

const shapes = {
  sequential: async (one: () => Promise<void>) => {
    for (let i = 0; i < 300; i++) await one();
  },
  concurrent: async (one: () => Promise<void>) => {
    for (let i = 0; i < 2; i++) await Promise.all(Array.from({ length: 300 }, one));
  },
};

const main = async () => {
  const shape = process.argv[2] as keyof typeof shapes;
  if (!(shape in shapes)) throw new Error(`usage: profile.ts ${Object.keys(shapes).join('|')}`);
  const dir = process.argv[3] ?? path.join(os.tmpdir(), 'h2o-rx-profile');
  const client = process.argv[4] === 'raw' ? 'raw' : 'completion$';
  const { completion$ } = await load();
  const emu = await spawnEmulator({ tokenDelayMs: 0 });
  const raw = async () => {
    const { count } = await rawCompletion(emu.url, rawInputs(TOKENS), 'parse');
    if (count !== TOKENS) throw new Error(`raw: ${count} tokens of ${TOKENS}`);
  };
  const lib = () =>
    new Promise<void>((resolve, reject) => {
      let count = 0;
      completion$('falcon-40b', [{ role: 'user', content: askFor(TOKENS) }], {
        baseUrl: emu.url,
        maxNewTokens: 1_000_000,
      }).subscribe({
        next: () => void count++,
        error: reject,
        complete: () =>
          count === TOKENS ? resolve() : reject(new Error(`${count} tokens of ${TOKENS}`)),
      });
    });
  const one = client === 'raw' ? raw : lib;
  const session = new Session();
  session.connect();
  try {
    // Warm-up: the JIT and the agent's sockets.
    for (let i = 0; i < 30; i++) await one();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const started = performance.now();
    await shapes[shape](one);
    const ms = performance.now() - started;
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${shape}-${client}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`${shape} ${client}: ${ms.toFixed(0)} ms wall; profile in ${file}`);
  } finally {
    session.disconnect();
    await emu.close();
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
