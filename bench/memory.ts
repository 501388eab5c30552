// Case 4: the heap this process retains while completion$ streams 400,000 tokens from an
// emulator in another process: heapUsed after a full GC, sampled every 40,000 tokens, minus
// the same before the stream. The raw client's figure is printed beside it.
import { libCompletion } from './lib-client';
import { rawCompletion, rawInputs } from './raw-client';
import { Check, fmt, Row } from './stats';

const TOKENS = 400_000;
const EVERY = 40_000;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  heap: number;
  buffers: number;
}

const measure = (): Sample => {
  gc?.();
  gc?.(); // twice: the first may leave what finalizers freed for the next
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, buffers: arrayBuffers };
};

const run = async (client: 'completion$' | 'raw', url: string) => {
  const base = measure();
  let seen = 0;
  let heap = -Infinity;
  let buffers = -Infinity;
  const onToken = () => {
    if (++seen % EVERY !== 0) return;
    const now = measure();
    heap = Math.max(heap, now.heap - base.heap);
    buffers = Math.max(buffers, now.heap + now.buffers - base.heap - base.buffers);
  };
  const result =
    client === 'completion$'
      ? await libCompletion(url, TOKENS, undefined, onToken)
      : await rawCompletion(url, rawInputs(TOKENS), 'parse', { onToken });
  if (result.count !== TOKENS) throw new Error(`${client}: ${result.count} tokens of ${TOKENS}`);
  return { heap, buffers };
};

/** Runs the case against the emulator at `url` (in another process); needs --expose-gc. */
export const memory = async (url: string) => {
  if (!gc) {
    const rows: Row[] = [
      {
        case: 'memory',
        client: 'completion$',
        figure: 'skipped',
        value: '-',
        note: 'needs --expose-gc',
      },
    ];
    return { rows, checks: [] as Check[], ratios: { retainedMB: null as number | null } };
  }
  // Warm both clients up, so that what modules set up on first use is not counted.
  await libCompletion(url, 1000);
  await rawCompletion(url, rawInputs(1000), 'parse');
  const lib = await run('completion$', url);
  const raw = await run('raw', url);
  const row = (client: string, r: { heap: number; buffers: number }): Row => ({
    case: 'memory',
    client,
    figure: `${TOKENS / 1000}k tokens: max heapUsed after gc - before, MB`,
    value: fmt(r.heap / MB, 2),
    note: `with Buffers ${fmt(r.buffers / MB, 2)} MB`,
  });
  const retainedMB = Math.round((lib.heap / MB) * 100) / 100;
  const check: Check = {
    name: `retained heap over ${TOKENS / 1000}k tokens`,
    value: retainedMB,
    target: 1,
    unit: 'MB',
    note: `raw ${fmt(raw.heap / MB, 2)} MB`,
  };
  return {
    rows: [row('completion$', lib), row('raw', raw)],
    checks: [check],
    ratios: {
      retainedMB,
      rawRetainedMB: Math.round((raw.heap / MB) * 100) / 100,
    },
  };
};
