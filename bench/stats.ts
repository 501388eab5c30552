/** The median of `values` (the mean of the middle two for an even count). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The `p`-th percentile (0-100) of `values`, nearest rank. */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
};

/** `a / b`, rounded to 3 decimals. */
export const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;

/** CPU time (user + system) of this process since `since`, in ms. */
export const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** One row of the printed table. */
export interface Row {
  case: string;
  client: string;
  figure: string;
  value: string;
  note?: string;
}

/** Prints `rows` as an aligned text table. */
export const printTable = (rows: readonly Row[]): void => {
  const head: Row = { case: 'case', client: 'client', figure: 'figure', value: 'value', note: '' };
  const all = [head, ...rows];
  const keys = ['case', 'client', 'figure', 'value', 'note'] as const;
  const widths = keys.map((k) => Math.max(...all.map((r) => (r[k] ?? '').length)));
  const line = (r: Row) =>
    keys
      .map((k, i) =>
        k === 'value' ? (r[k] ?? '').padStart(widths[i]) : (r[k] ?? '').padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
};

/** A number for the table. */
export const fmt = (value: number, digits = 1): string => value.toFixed(digits);

/** Median, min and max of a set of values (here: the ratios of interleaved rounds). */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The {@link Spread} of `values`, each rounded to 3 decimals. A round with no figure (every
 * completion of one side failed) is left out; none at all gives NaN (null in the JSON).
 */
export const spreadOf = (values: readonly number[]): Spread => {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0
    ? { median: NaN, min: NaN, max: NaN }
    : {
        median: round3(median(finite)),
        min: round3(Math.min(...finite)),
        max: round3(Math.max(...finite)),
      };
};

/** `a[i] / b[i]` for each round `i`: the two sides of one interleaved round, compared. */
export const roundRatios = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((value, i) => value / b[i]);

// A full collection where the bench runs with --expose-gc (npm run bench does); else nothing.
const collect = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Runs every side once per round, in an order that rotates each round (so no side always
 * follows the same other one), after one warm-up run each; returns each side's figures in
 * round order, so that `figures.a[i]` and `figures.b[i]` come from the same round.
 */
export const interleave = async <K extends string, T = number>(
  rounds: number,
  sides: Record<K, () => Promise<T>>,
  warmUp = true,
): Promise<Record<K, T[]>> => {
  const names = Object.keys(sides) as K[];
  const figures = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  if (warmUp) for (const name of names) await sides[name]();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      // Each side starts from a collected heap (untimed): a major GC the side before made due
      // would otherwise fall in this side's time. Its own garbage is still collected in it.
      collect();
      figures[name].push(await sides[name]());
    }
  }
  return figures;
};

/** One row of issue 11's table: a figure, its target, and whether it is met. */
export interface Check {
  /** What is measured, as the issue names it. */
  name: string;
  /** The figure: a ratio's spread over rounds, or one number (MB, kB). */
  value: Spread | number;
  /** The value must be at most this (the median, for a spread). */
  target: number;
  /** `x` for ratios, else the unit. */
  unit: string;
  note?: string;
}

const show = (value: number, unit: string) =>
  unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(2)} ${unit}`;

/** The figure a check is judged on: a spread's median, or the number. */
export const figureOf = (check: Check): number =>
  typeof check.value === 'number' ? check.value : check.value.median;

/** Whether a check's figure is within its target. */
export const passes = (check: Check): boolean => figureOf(check) <= check.target;

/** Prints the checks as a table: figure, spread, target, pass/miss. */
export const printChecks = (checks: readonly Check[]): void => {
  const rows = checks.map((c) => ({
    case: c.name,
    client: passes(c) ? 'pass' : 'MISS',
    figure:
      typeof c.value === 'number'
        ? '(one run)'
        : `(min ${show(c.value.min, c.unit)}, max ${show(c.value.max, c.unit)})`,
    value: show(figureOf(c), c.unit),
    note: `target <= ${show(c.target, c.unit)}${c.note ? `; ${c.note}` : ''}`,
  }));
  const keys = ['case', 'value', 'figure', 'note', 'client'] as const;
  const head = {
    case: 'target (issue 11)',
    value: 'median',
    figure: 'spread',
    note: 'target',
    client: 'mark',
  };
  const all = [head, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const line = (r: typeof head) =>
    keys
      .map((k, i) => (k === 'value' ? r[k].padStart(widths[i]) : r[k].padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
};
