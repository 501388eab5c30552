// One side of the handshake cases alone, profiled: `npm run profile -- sequential [dir] [raw]`
// (300 completions one after the other) or `-- concurrent` (2 bursts of 300 at once), 200
// tokens each on a fresh session, the emulator in its own process; the library unless `raw`.
// It runs the tsc build (dist/cjs, so that the profile names every function; `npm run build`
// first; LIBDIST names another build) and profiles only the measured runs, after a warm-up,
// with the inspector: module loading is not in it.
// Writes <shape>.cpuprofile into the directory given (default: the OS temp dir), which
// `npm run profile:summary -- <dir>` groups by layer.
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnEmulator } from './child';
import { clientOf, loadSide, shapeOf, shapes } from './one-side';

const main = async () => {
  const shape = shapeOf(process.argv[2], 'profile.ts');
  const dir = process.argv[3] ?? path.join(os.tmpdir(), 'h2o-rx-profile');
  const client = clientOf(process.argv[4]);
  const side = await loadSide(client);
  const emu = await spawnEmulator({ tokenDelayMs: 0 });
  const one = side(emu.url);
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
