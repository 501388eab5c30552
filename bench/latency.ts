// Case 3: time to first token with 20 ms added before every response. Cold: completion$ and
// the raw client, four requests each. Warm: two requests on an open session (openSession for
// completion$, the raw client's own for the raw side). Interleaved, medians.
import { firstValueFrom } from 'rxjs';
import { lib } from './built';
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs, rawOpenSession } from './raw-client';
import { stackCompletion, stackOpenSession } from './stack-client';
import { Check, fmt, median, ratio, roundRatios, Row, spreadOf } from './stats';

export const LATENCY_MS = 20;
const ROUNDS = 15;
const TOKENS = 5;

/** Runs the case against the emulator at `url` (latencyMs 20, in another process). */
export const latency = async (url: string) => {
  const libSession = await firstValueFrom(lib.openSession({ baseUrl: url }));
  const rawSession = await rawOpenSession(url);
  const stackSession = await stackOpenSession(url);
  const runs = {
    'completion$ cold': () => libCompletion(url, TOKENS),
    'raw cold': () => rawCompletion(url, rawInputs(TOKENS), 'parse'),
    'completion$ warm': () => libCompletion(url, TOKENS, libSession),
    'raw warm': () => rawCompletion(url, rawInputs(TOKENS), 'parse', { session: rawSession }),
    // The raw client's two requests through the default fetch stack: that stack's floor.
    'default stack warm': () => stackCompletion(url, TOKENS, stackSession),
  };
  const names = Object.keys(runs) as (keyof typeof runs)[];
  const ttft: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await runs[name](); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const { count, firstMs } = await runs[name]();
      if (count !== TOKENS) throw new Error(`${name}: ${count} tokens of ${TOKENS}`);
      ttft[name].push(firstMs);
    }
  }
  const m = (name: string) => median(ttft[name]);
  const rows: Row[] = names.map((name) => ({
    case: 'latency',
    client: name,
    figure: `time to first token, ms (latencyMs ${LATENCY_MS})`,
    value: fmt(m(name), 1),
    note: `min ${fmt(Math.min(...ttft[name]), 1)}`,
  }));
  // Warm and cold of one round ran back to back: their ratio is the round's.
  const warmVsRawCold = spreadOf(roundRatios(ttft['completion$ warm'], ttft['raw cold']));
  const checks: Check[] = [
    {
      name: `warm (session) TTFT vs raw cold (latencyMs ${LATENCY_MS})`,
      value: warmVsRawCold,
      target: 0.51,
      unit: 'x',
      note: `floor 0.50; the default stack alone ${ratio(m('default stack warm'), m('raw cold')).toFixed(3)}`,
    },
  ];
  return {
    rows,
    checks,
    ratios: {
      warmVsRawColdSpread: warmVsRawCold,
      coldVsRawCold: ratio(m('completion$ cold'), m('raw cold')),
      warmVsRawCold: ratio(m('completion$ warm'), m('raw cold')),
      warmVsRawWarm: ratio(m('completion$ warm'), m('raw warm')),
      defaultStackWarmVsRawCold: ratio(m('default stack warm'), m('raw cold')),
      warmVsDefaultStackWarm: ratio(m('completion$ warm'), m('default stack warm')),
      coldOverheadMs: Math.round((m('completion$ cold') - m('raw cold')) * 10) / 10,
    },
  };
};
