// One side alone in its own process: this process's CPU ms and wall ms per completion, 200
// tokens each on a fresh session, after 30 warm-up completions; the emulator in its own
// process. `npm run build` first: the library side runs dist/cjs (or the build LIBDIST
// names, to set two builds side by side).
// node --import tsx bench/cpu.ts [sequential|concurrent] [raw]
// Unlike `npm run bench`, no other side shares the process: the garbage one side leaves is
// not collected (and charged) while the other side runs.
import { spawnEmulator } from './child';
import { clientOf, loadSide, shapeOf, shapes } from './one-side';

const main = async () => {
  const shape = shapeOf(process.argv[2], 'cpu.ts');
  const client = clientOf(process.argv[3]);
  const side = await loadSide(client);
  const emu = await spawnEmulator({ tokenDelayMs: 0 });
  try {
    const one = side(emu.url);
    for (let i = 0; i < 30; i++) await one();
    const used = process.cpuUsage();
    const started = performance.now();
    const count = await shapes[shape](one);
    const cpu = process.cpuUsage(used);
    const ms = (n: number) => (n / count).toFixed(2);
    console.log(
      `${shape} ${client}: CPU ${ms((cpu.user + cpu.system) / 1000)} ms, wall ` +
        `${ms(performance.now() - started)} ms per completion`,
    );
  } finally {
    await emu.close();
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
