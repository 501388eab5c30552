// `npm run bench`: completion$ side by side with a raw node:http client on loopback, the
// emulator in a child process. Prints the detail table, then every row of issue 11's table
// (median ratio of interleaved rounds, its min and max, the target, pass or miss), then ONE
// line of JSON with the ratios.
// `npm run bench -- --only=sequential,burst` runs some cases only; `--deadline=600` gives a
// loaded machine more than the default 240 s before the watchdog gives up.
import { spawnEmulator } from './child';
import { concurrency } from './concurrency';
import { burst, sequential } from './handshakes';
import { conversation } from './conversation';
import { latency, LATENCY_MS } from './latency';
import { memory } from './memory';
import { parser } from './parser';
import { bundleSize } from './size';
import { Check, passes, printChecks, printTable, Row } from './stats';
import { throughput } from './throughput';

// The whole bench ends well inside 4 minutes on a quiet 2-core machine; past this, something
// is stuck.
const DEADLINE_S = 240;

// Each case against a fresh emulator process, so no case pays for the garbage of the last.
const withEmulator =
  <T>(run: (url: string) => Promise<T>, latencyMs = 0, replay = false) =>
  async (): Promise<T> => {
    const emu = await spawnEmulator({ latencyMs, tokenDelayMs: 0, replay });
    try {
      return await run(emu.url);
    } finally {
      await emu.close();
    }
  };

// In the order of issue 11's table; the parser (not in it) last.
const cases = {
  sequential: withEmulator(sequential),
  burst: withEmulator(burst),
  concurrency: withEmulator(concurrency),
  throughput: withEmulator(throughput),
  replay: withEmulator((url) => throughput(url, 'replay', 9, { raw: 1.05 }), 0, true),
  latency: withEmulator(latency, LATENCY_MS),
  memory: withEmulator(memory),
  size: bundleSize,
  conversation,
  parser,
};

type Ratios = Record<string, unknown>;
type Result = { rows: Row[]; checks?: Check[]; ratios: Ratios };

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const main = async () => {
  const only = arg('only');
  const names = (Object.keys(cases) as (keyof typeof cases)[]).filter(
    (name) => !only || only.split(',').includes(name),
  );
  const deadline = Number(arg('deadline') ?? DEADLINE_S);
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${deadline} s; giving up`);
    process.exit(2);
  }, deadline * 1000);
  watchdog.unref();
  const started = performance.now();
  const rows: Row[] = [];
  const checks: Check[] = [];
  const ratios: Record<string, Ratios> = {};
  for (const name of names) {
    const caseStarted = performance.now();
    const result = (await cases[name]()) as Result;
    rows.push(...result.rows);
    checks.push(...(result.checks ?? []));
    ratios[name] = result.ratios;
    console.error(
      `bench: ${name} done in ${((performance.now() - caseStarted) / 1000).toFixed(1)} s`,
    );
  }
  clearTimeout(watchdog);
  printTable(rows);
  console.log('');
  printChecks(checks);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const targets = Object.fromEntries(
    checks.map((c) => [c.name, { value: c.value, target: c.target, pass: passes(c) }]),
  );
  console.log(JSON.stringify({ ...ratios, targets, seconds }));
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
