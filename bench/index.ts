// `npm run bench`: completion$ side by side with a raw node:http client on loopback, the
// emulator in a child process. Prints a table, then ONE line of JSON with the ratios.
// `npm run bench -- --only=parser,latency` runs some cases only.
import { spawnEmulator } from './child';
import { concurrency } from './concurrency';
import { conversation } from './conversation';
import { latency, LATENCY_MS } from './latency';
import { memory } from './memory';
import { parser } from './parser';
import { printTable, Row } from './stats';
import { throughput } from './throughput';

// The whole bench must end well inside 4 minutes; past this, something is stuck.
const DEADLINE_MS = 240_000;

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

const cases = {
  throughput: withEmulator(throughput),
  replay: withEmulator((url) => throughput(url, 'throughput (replay)', 15), 0, true),
  parser,
  latency: withEmulator(latency, LATENCY_MS),
  memory: withEmulator(memory),
  concurrency: withEmulator(concurrency),
  conversation,
};

type Result = { rows: Row[]; ratios: Record<string, number | boolean | null> };

const goalsOf = (r: Record<string, Record<string, number | boolean | null>>) => {
  const at = (name: string, key: string) => r[name]?.[key];
  const under = (value: unknown, limit: number) =>
    typeof value === 'number' ? value <= limit : undefined;
  return {
    throughputWithin1_1xRaw: under(at('throughput', 'wallVsRaw'), 1.1),
    throughputCpuWithin1_1xRaw: under(at('throughput', 'cpuVsRaw'), 1.1),
    replayWithin1_1xRaw: under(at('replay', 'wallVsRaw'), 1.1),
    parserAtLeastAsFast: under(at('parser', 'vsEventsourceParser'), 1),
    coldTtftWithin1_05x: under(at('latency', 'coldVsRawCold'), 1.05),
    warmTtftWithin0_52x: under(at('latency', 'warmVsRawCold'), 0.52),
    retainedUnder2MB: under(at('memory', 'retainedMB'), 2),
    allConcurrentCompleted: at('concurrency', 'allCompleted'),
  };
};

const main = async () => {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const names = (Object.keys(cases) as (keyof typeof cases)[]).filter(
    (name) => !only || only.split(',').includes(name),
  );
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${DEADLINE_MS / 1000} s; giving up`);
    process.exit(2);
  }, DEADLINE_MS);
  watchdog.unref();
  const started = performance.now();
  const rows: Row[] = [];
  const ratios: Record<string, Record<string, number | boolean | null>> = {};
  for (const name of names) {
    const caseStarted = performance.now();
    const result = (await cases[name]()) as Result;
    rows.push(...result.rows);
    ratios[name] = result.ratios;
    console.error(
      `bench: ${name} done in ${((performance.now() - caseStarted) / 1000).toFixed(1)} s`,
    );
  }
  clearTimeout(watchdog);
  printTable(rows);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(JSON.stringify({ ...ratios, goals: goalsOf(ratios), seconds }));
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
