// Case 5: 1,000 completions at once (a fresh session each: four requests), completion$
// beside the raw client, alternating; every one must finish with all its tokens. Each round's
// runs are back to back, each from a collected heap, and give one ratio of TTFT p50 and one of
// p99.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs, RawResult } from './raw-client';
import { stackCompletion } from './stack-client';
import {
  Check,
  fmt,
  interleave,
  median,
  percentile,
  ratio,
  roundRatios,
  Row,
  spreadOf,
} from './stats';

const CONCURRENT = 1000;
const TOKENS = 100;
const ROUNDS = 5;

// 'default stack': the raw client's requests through the default fetch stack (its floor).
type Client = 'completion$' | 'raw' | 'default stack';

const round = async (client: Client, url: string, concurrent = CONCURRENT) => {
  const started = performance.now();
  const one = (): Promise<RawResult> =>
    client === 'completion$'
      ? libCompletion(url, TOKENS)
      : client === 'raw'
        ? rawCompletion(url, rawInputs(TOKENS), 'parse')
        : stackCompletion(url, TOKENS);
  const results = await Promise.allSettled(Array.from({ length: concurrent }, one));
  const wall = performance.now() - started;
  const ok = results.filter(
    (r): r is PromiseFulfilledResult<RawResult> =>
      r.status === 'fulfilled' && r.value.count === TOKENS,
  );
  // Failures are counted (the row shows how many completed); say why, once per reason.
  const reasons = new Set(
    results.flatMap((r) =>
      r.status === 'rejected'
        ? [
            String(r.reason)
              .replace(/\/conversation\/\w+/, '/conversation/<id>')
              .slice(0, 240),
          ]
        : [],
    ),
  );
  for (const reason of reasons) console.error(`bench: concurrency ${client} failed: ${reason}`);
  const first = ok.map((r) => r.value.firstMs);
  return {
    completed: ok.length,
    p50: percentile(first, 50),
    p99: percentile(first, 99),
    tokensPerSecond: (ok.length * TOKENS) / (wall / 1000),
  };
};

/** Runs the case against the emulator at `url` (in another process). */
export const concurrency = async (url: string) => {
  const clients: Client[] = ['completion$', 'raw', 'default stack'];
  for (const client of clients) await round(client, url, 100); // warm-up, not counted
  const rounds = await interleave(
    ROUNDS,
    {
      completion$: () => round('completion$', url),
      raw: () => round('raw', url),
      'default stack': () => round('default stack', url),
    },
    false,
  );
  const m = (client: Client, key: 'p50' | 'p99' | 'tokensPerSecond') =>
    median(rounds[client].map((r) => r[key]));
  const completed = (client: Client) => Math.min(...rounds[client].map((r) => r.completed));
  const rows: Row[] = clients.map((client) => ({
    case: 'concurrency',
    client,
    figure: `${CONCURRENT} x ${TOKENS} tokens: TTFT p50 / p99 ms, tok/s`,
    value: `${fmt(m(client, 'p50'), 0)} / ${fmt(m(client, 'p99'), 0)}`,
    note: `${fmt(m(client, 'tokensPerSecond') / 1000, 1)}k tok/s, ${completed(client)}/${CONCURRENT} completed`,
  }));
  const versus = (key: 'p50' | 'p99', a: Client, b: Client) =>
    spreadOf(
      roundRatios(
        rounds[a].map((r) => r[key]),
        rounds[b].map((r) => r[key]),
      ),
    );
  const p50VsRaw = versus('p50', 'completion$', 'raw');
  const p99VsRaw = versus('p99', 'completion$', 'raw');
  const stackVsRaw = {
    p50: versus('p50', 'default stack', 'raw'),
    p99: versus('p99', 'default stack', 'raw'),
  };
  const name = `concurrency: ${CONCURRENT} x ${TOKENS} tokens at once, TTFT`;
  const note = (key: 'p50' | 'p99') =>
    `${completed('completion$')}/${CONCURRENT} completed; the default stack alone ${stackVsRaw[key].median.toFixed(2)}x raw`;
  const checks: Check[] = [
    { name: `${name} p50 vs raw`, value: p50VsRaw, target: 1.1, unit: 'x', note: note('p50') },
    { name: `${name} p99 vs raw`, value: p99VsRaw, target: 1.1, unit: 'x', note: note('p99') },
  ];
  return {
    rows,
    checks,
    ratios: {
      allCompleted: completed('completion$') === CONCURRENT,
      p50VsRaw,
      p99VsRaw,
      defaultStackVsRaw: stackVsRaw,
      p50VsDefaultStack: versus('p50', 'completion$', 'default stack'),
      tokensPerSecondVsRaw: ratio(m('completion$', 'tokensPerSecond'), m('raw', 'tokensPerSecond')),
    },
  };
};
