// The browser bundle's size: lib/index.ts bundled as a browser app would (the page's fetch
// swapped in for the Node default, as scripts/build.mjs does, and rxjs bundled in so that only
// what the library uses of it counts), minified, gzipped at level 9. `npm run size` fails when
// it is over the budget; the bench prints it as a row.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Check } from './stats';

/** The budget of issue 11, in kB (1 kB = 1,000 bytes, as size-limit counts). */
export const BUDGET_KB = 16;

const root = path.join(__dirname, '..');

// The browser build's swap (scripts/build.mjs): default-fetch.browser.ts for default-fetch.
const browserFetch: esbuild.Plugin = {
  name: 'browser-default-fetch',
  setup(build) {
    build.onResolve({ filter: /\/default-fetch$/ }, (args) => ({
      path: path.resolve(args.resolveDir, `${args.path}.browser.ts`),
    }));
  },
};

const gzippedKB = async (external: string[]) => {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['lib/index.ts'],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
    plugins: [browserFetch],
    external,
  });
  const code = result.outputFiles[0].contents;
  return { minKB: code.length / 1000, gzipKB: gzipSync(code, { level: 9 }).length / 1000 };
};

/** Measures the bundle with rxjs in (the budget) and without (the library's own code). */
export const bundleSize = async () => {
  const all = await gzippedKB([]);
  const own = await gzippedKB(['rxjs']);
  const rows = [
    { label: 'with rxjs', ...all },
    { label: 'without rxjs', ...own },
  ].map(({ label, minKB, gzipKB }) => ({
    case: 'size',
    client: `browser bundle ${label}`,
    figure: 'minified / minified + gzip -9, kB',
    value: `${minKB.toFixed(1)} / ${gzipKB.toFixed(2)}`,
  }));
  const check: Check = {
    name: 'browser bundle (lib + the rxjs it uses), minified + gzip',
    value: Math.round(all.gzipKB * 100) / 100,
    target: BUDGET_KB,
    unit: 'kB',
    note: `${own.gzipKB.toFixed(2)} kB without rxjs`,
  };
  return {
    rows,
    checks: [check],
    ratios: { gzipKB: check.value as number, ownGzipKB: own.gzipKB },
  };
};

// `npm run size`: the budget check CI runs.
if (require.main === module) {
  void bundleSize().then(({ checks: [check] }) => {
    const kB = check.value as number;
    const ok = kB <= BUDGET_KB;
    console.log(
      `browser bundle: ${kB.toFixed(2)} kB minified + gzip (budget ${BUDGET_KB} kB): ${ok ? 'ok' : 'OVER BUDGET'}`,
    );
    process.exit(ok ? 0 : 1);
  });
}
