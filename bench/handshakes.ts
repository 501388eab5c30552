// Cases where the handshake dominates: many short answers, each on a fresh session (four
// requests), completion$ beside the raw client. `sequential`: 30 completions one after the
// other; `burst`: 300 started at once. Wall time per batch; the two sides of a round run back
// to back, in an order that rotates, and each round gives one ratio.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs, RawResult } from './raw-client';
import { Check, cpuMs, fmt, interleave, median, roundRatios, Row, spreadOf } from './stats';

const TOKENS = 200;

type One = () => Promise<RawResult>;

const sides = (url: string): Record<'completion$' | 'raw', One> => ({
  completion$: () => libCompletion(url, TOKENS),
  raw: () => rawCompletion(url, rawInputs(TOKENS), 'parse'),
});

const checked = (client: string) => (result: RawResult) => {
  if (result.count !== TOKENS) throw new Error(`${client}: ${result.count} tokens of ${TOKENS}`);
};

// Each batch's wall time is returned; its CPU time (this process only: the server's is not
// counted) goes into `cpu`, which a loaded machine disturbs less than the wall time.
const inSequence = (client: string, one: One, count: number, cpu: number[]) => async () => {
  const used = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) checked(client)(await one());
  cpu.push(cpuMs(used));
  return performance.now() - started;
};

const atOnce = (client: string, one: One, count: number, cpu: number[]) => async () => {
  const used = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: count }, one));
  results.forEach(checked(client));
  cpu.push(cpuMs(used));
  return performance.now() - started;
};

const handshakeCase =
  (label: string, count: number, rounds: number, shape: typeof inSequence, target: number) =>
  async (url: string) => {
    const { completion$, raw } = sides(url);
    const cpu = { completion$: [] as number[], raw: [] as number[] };
    const wall = await interleave(rounds, {
      completion$: shape('completion$', completion$, count, cpu.completion$),
      raw: shape('raw', raw, count, cpu.raw),
    });
    // The warm-up run of each side is not a round.
    cpu.completion$.shift();
    cpu.raw.shift();
    const figure = `${count} x ${TOKENS} tokens, cold: wall ms per batch`;
    const rows: Row[] = (['completion$', 'raw'] as const).map((client) => ({
      case: label,
      client,
      figure,
      value: fmt(median(wall[client]), 0),
      note: `${fmt(median(wall[client]) / count, 2)} ms per completion, client CPU ${fmt(median(cpu[client]), 0)} ms, ${rounds} rounds`,
    }));
    const spread = spreadOf(roundRatios(wall.completion$, wall.raw));
    const cpuSpread = spreadOf(roundRatios(cpu.completion$, cpu.raw));
    const check: Check = {
      name: `${label}: ${count} x ${TOKENS} tokens, cold, wall vs raw`,
      value: spread,
      target,
      unit: 'x',
      note: `client CPU ${cpuSpread.median.toFixed(2)}x raw`,
    };
    return { rows, checks: [check], ratios: { wallVsRaw: spread, cpuVsRaw: cpuSpread } };
  };

/** 30 completions one after the other, each with its own handshake. */
export const sequential = handshakeCase('sequential', 30, 7, inSequence, 1.1);

/** 300 completions started at once, each with its own handshake. */
export const burst = handshakeCase('burst', 300, 5, atOnce, 1.05);
