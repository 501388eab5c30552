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
