// Case 1: a 100,000-token stream, completion$ beside the raw client (parse) and the
// drain-only floor, interleaved; wall time and this process's CPU time per run. Against the
// emulator, the emulator is the bottleneck (it awaits each event's write); against the replay
// server (the same bytes in one write) the client is.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs } from './raw-client';
import { cpuMs, fmt, median, ratio, Row } from './stats';

const TOKENS = 100_000;

type Client = 'completion$' | 'raw' | 'drain';

const once = async (client: Client, url: string) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result =
    client === 'completion$'
      ? await libCompletion(url, TOKENS)
      : await rawCompletion(url, rawInputs(TOKENS), client === 'raw' ? 'parse' : 'drain');
  const wall = performance.now() - started;
  const want = client === 'drain' ? 2 * TOKENS + 2 : TOKENS;
  if (result.count !== want) throw new Error(`${client}: ${result.count} of ${want}`);
  return { wall, cpu: cpuMs(cpu) };
};

/**
 * Runs the case against the server at `url` (in another process): the emulator, or the replay
 * server (`label` says which, for the table).
 */
export const throughput = async (url: string, label = 'throughput', rounds = 7) => {
  const clients: Client[] = ['completion$', 'raw', 'drain'];
  const wall: Record<Client, number[]> = { completion$: [], raw: [], drain: [] };
  const cpu: Record<Client, number[]> = { completion$: [], raw: [], drain: [] };
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
  return {
    rows,
    ratios: {
      wallVsRaw: ratio(m(wall['completion$']), m(wall.raw)),
      wallVsDrain: ratio(m(wall['completion$']), m(wall.drain)),
      cpuVsRaw: ratio(m(cpu['completion$']), m(cpu.raw)),
      cpuVsDrain: ratio(m(cpu['completion$']), m(cpu.drain)),
      rawWallVsDrain: ratio(m(wall.raw), m(wall.drain)),
    },
  };
};
