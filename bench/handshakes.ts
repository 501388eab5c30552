// Cases where the handshake dominates: many short answers, each on a fresh session (four
// requests), completion$ beside the raw client. `sequential`: 30 completions one after the
// other; `burst`: 300 started at once. Wall time per batch; the two sides of a round run back
// to back, in an order that rotates, and each round gives one ratio.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs, RawResult } from './raw-client';
import { stackCompletion } from './stack-client';
import { Check, cpuMs, fmt, interleave, median, roundRatios, Row, spreadOf } from './stats';

const TOKENS = 200;

type One = () => Promise<RawResult>;

type Side = 'completion$' | 'raw' | 'default stack';

const sides = (url: string): Record<Side, One> => ({
  completion$: () => libCompletion(url, TOKENS),
  raw: () => rawCompletion(url, rawInputs(TOKENS), 'parse'),
  // The raw client's requests through the default fetch stack: the fixed packages' floor.
  'default stack': () => stackCompletion(url, TOKENS),
});

/**
 * What a side's batches left besides their wall time: this process's CPU time per batch (the
 * server's is not counted; a loaded machine disturbs it less than the wall time), and the
 * completions that failed (a loaded machine can make a reused keep-alive socket race the
 * server's close: ECONNRESET). A failure is counted and shown, not thrown, so that one
 * connection reset does not lose the whole run.
 */
interface Tally {
  cpu: number[];
  failed: number;
  reasons: Set<string>;
}

const tally = (): Tally => ({ cpu: [], failed: 0, reasons: new Set() });

const attempt = async (client: string, one: One, into: Tally) => {
  let result: RawResult;
  try {
    result = await one();
  } catch (err) {
    into.failed++;
    into.reasons.add(
      String((err as Error).message)
        .replace(/\/conversation\/\w+/, '/conversation/<id>')
        .slice(0, 240),
    );
    return;
  }
  // A wrong count is the bench's own bug: that one stops the run.
  if (result.count !== TOKENS) throw new Error(`${client}: ${result.count} tokens of ${TOKENS}`);
};

const inSequence = (client: string, one: One, count: number, into: Tally) => async () => {
  const used = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await attempt(client, one, into);
  into.cpu.push(cpuMs(used));
  return performance.now() - started;
};

const atOnce = (client: string, one: One, count: number, into: Tally) => async () => {
  const used = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => attempt(client, one, into)));
  into.cpu.push(cpuMs(used));
  return performance.now() - started;
};

const handshakeCase =
  (label: string, count: number, rounds: number, shape: typeof inSequence, target: number) =>
  async (url: string) => {
    const one = sides(url);
    const clients = Object.keys(one) as Side[];
    const tallies = { completion$: tally(), raw: tally(), 'default stack': tally() };
    const wall = await interleave(
      rounds,
      Object.fromEntries(
        clients.map((client) => [client, shape(client, one[client], count, tallies[client])]),
      ) as Record<Side, () => Promise<number>>,
    );
    // The warm-up run of each side is not a round.
    const cpu = Object.fromEntries(
      clients.map((client) => [client, tallies[client].cpu.slice(1)]),
    ) as Record<Side, number[]>;
    const failed = (client: Side) =>
      tallies[client].failed ? `, ${tallies[client].failed} FAILED` : '';
    for (const [client, { reasons }] of Object.entries(tallies)) {
      for (const reason of reasons) console.error(`bench: ${label} ${client} failed: ${reason}`);
    }
    const figure = `${count} x ${TOKENS} tokens, cold: wall ms per batch`;
    const rows: Row[] = clients.map((client) => ({
      case: label,
      client,
      figure,
      value: fmt(median(wall[client]), 0),
      note: `${fmt(median(wall[client]) / count, 2)} ms per completion, client CPU ${fmt(median(cpu[client]), 0)} ms, ${rounds} rounds${failed(client)}`,
    }));
    const spread = spreadOf(roundRatios(wall.completion$, wall.raw));
    const cpuSpread = spreadOf(roundRatios(cpu.completion$, cpu.raw));
    // What the library adds to the default stack, and what that stack costs over raw.
    const overStack = spreadOf(roundRatios(wall.completion$, wall['default stack']));
    const stackOverRaw = spreadOf(roundRatios(wall['default stack'], wall.raw));
    const check: Check = {
      name: `${label}: ${count} x ${TOKENS} tokens, cold, wall vs raw`,
      value: spread,
      target,
      unit: 'x',
      note: `client CPU ${cpuSpread.median.toFixed(2)}x raw; ${overStack.median.toFixed(2)}x the default stack alone, itself ${stackOverRaw.median.toFixed(2)}x raw${failed('completion$')}`,
    };
    const failures = Object.fromEntries(clients.map((client) => [client, tallies[client].failed]));
    return {
      rows,
      checks: [check],
      ratios: {
        wallVsRaw: spread,
        cpuVsRaw: cpuSpread,
        wallVsDefaultStack: overStack,
        defaultStackWallVsRaw: stackOverRaw,
        failures,
      },
    };
  };

/** 30 completions one after the other, each with its own handshake. */
export const sequential = handshakeCase('sequential', 30, 15, inSequence, 1.1);

/** 300 completions started at once, each with its own handshake. */
export const burst = handshakeCase('burst', 300, 7, atOnce, 1.05);
