// Case 1: a 100,000-token stream, completion$ beside the raw client (parse) and the
// drain-only floor, interleaved; wall time and this process's CPU time per run. Against the
// emulator, the emulator is the bottleneck (it awaits each event's write); against the replay
// server (the same bytes in one write) the client is.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs } from './raw-client';
import { stackCompletion } from './stack-client';
import { Check, cpuMs, fmt, median, ratio, roundRatios, Row, spreadOf } from './stats';

const TOKENS = 100_000;

// 'default stack': the raw client's parse reading node-fetch's body (the fixed stack's floor).
type Client = 'completion$' | 'raw' | 'drain' | 'default stack';

const once = async (client: Client, url: string) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result =
    client === 'completion$'
      ? await libCompletion(url, TOKENS)
      : client === 'default stack'
        ? await stackCompletion(url, TOKENS)
        : await rawCompletion(url, rawInputs(TOKENS), client === 'raw' ? 'parse' : 'drain');
  const wall = performance.now() - started;
  const want = client === 'drain' ? 2 * TOKENS + 2 : TOKENS;
  if (result.count !== want) throw new Error(`${client}: ${result.count} of ${want}`);
  return { wall, cpu: cpuMs(cpu) };
};

/**
 * Runs the case against the server at `url` (in another process): the emulator, or the replay
 * server (`label` says which, for the table). `targets` are what issue 11 asks of the wall time
 * vs raw and (when given) vs the drain-only floor.
 */
export const throughput = async (
  url: string,
  label = 'throughput',
  rounds = 5,
  targets: { raw: number; drain?: number } = { raw: 1, drain: 1.1 },
) => {
  const clients: Client[] = ['completion$', 'raw', 'drain', 'default stack'];
  const wall: Record<Client, number[]> = {
    completion$: [],
    raw: [],
    drain: [],
    'default stack': [],
  };
  const cpu: Record<Client, number[]> = {
    completion$: [],
    raw: [],
    drain: [],
    'default stack': [],
  };
  for (const client of clients) await once(client, url); // warm-up, not counted
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so no client always runs right after the same other one.
    for (let i = 0; i < clients.length; i++) {
      const client = clients[(round + i) % clients.length];
      const run = await once(client, url);
      wall[client].push(run.wall);
      cpu[client].push(run.cpu);
    }
  }
  const m = (xs: number[]) => median(xs);
  const rows: Row[] = clients.map((client) => ({
    case: label,
    client,
    figure: `${TOKENS / 1000}k tokens: wall ms / client CPU ms (tok/s)`,
    value: `${fmt(m(wall[client]), 0)} / ${fmt(m(cpu[client]), 0)}`,
    note: `${fmt(TOKENS / (m(wall[client]) / 1000) / 1000, 0)}k tok/s`,
  }));
  const vsRaw = spreadOf(roundRatios(wall['completion$'], wall.raw));
  const vsDrain = spreadOf(roundRatios(wall['completion$'], wall.drain));
  const name = `${label}: ${TOKENS / 1000}k tokens, wall`;
  const stackVsRaw = spreadOf(roundRatios(wall['default stack'], wall.raw));
  const vsStack = spreadOf(roundRatios(wall['completion$'], wall['default stack']));
  const checks: Check[] = [
    {
      name: `${name} vs raw`,
      value: vsRaw,
      target: targets.raw,
      unit: 'x',
      note: `the default stack alone ${stackVsRaw.median.toFixed(2)}x raw; ${vsStack.median.toFixed(2)}x it`,
    },
  ];
  if (targets.drain !== undefined) {
    checks.push({
      name: `${name} vs drain-only`,
      value: vsDrain,
      target: targets.drain,
      unit: 'x',
    });
  }
  return {
    rows,
    checks,
    ratios: {
      wallVsRaw: vsRaw,
      wallVsDrain: vsDrain,
      cpuVsRaw: ratio(m(cpu['completion$']), m(cpu.raw)),
      cpuVsDrain: ratio(m(cpu['completion$']), m(cpu.drain)),
      rawWallVsDrain: ratio(m(wall.raw), m(wall.drain)),
      defaultStackWallVsRaw: stackVsRaw,
      wallVsDefaultStack: vsStack,
    },
  };
};
