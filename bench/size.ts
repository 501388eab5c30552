// The browser bundle's size: lib/index.ts bundled as a browser app would (the page's fetch
// swapped in for the Node default, as scripts/build.mjs does, and rxjs bundled in so that only
// what the library uses of it counts), minified, gzipped at level 9. `npm run size` fails when
// it is over the budget; the bench prints it as a row.
//
// rxjs ships two browser builds: `esm5` (ES5 classes with tslib's helpers, what bundlers reach
// through the `module` field or the plain `import` condition: Vite's and webpack's defaults) and
// `esm` (ES2015 classes, the `es2015` export condition). The budget applies to the es2015
// figure: the Angular CLI, our users' main framework, resolves rxjs with the `es2015` condition,
// and an app whose targets are browsers with fetch and ReadableStream has no use for ES5 code.
// The esm5 figure is printed beside it so that a growth there is seen too.
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Check } from './stats';

/**
 * The budget of issue 11, in kB (1 kB = 1,000 bytes, as size-limit counts); CI refuses more.
 * rxjs's `defer`, `switchMap` and `catchError` would bring `innerFrom` and tslib's async-iterator
 * helpers (~1 kB gzip): lib/just.ts has our own, and a change that brings them back shows here.
 */
export const BUDGET_KB = 16;

const root = path.join(__dirname, '..');

// The browser build's swaps (scripts/build.mjs): each file's .browser.ts twin.
const browserFetch: esbuild.Plugin = {
  name: 'browser-default-fetch',
  setup(build) {
    build.onResolve({ filter: /\/(default-fetch|utf8-decoder|insecure-cookie)$/ }, (args) => ({
      path: path.resolve(args.resolveDir, `${args.path}.browser.ts`),
    }));
  },
};

const gzippedKB = async (external: string[], conditions: string[] = []) => {
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
    conditions,
  });
  const code = result.outputFiles[0].contents;
  return { minKB: code.length / 1000, gzipKB: gzipSync(code, { level: 9 }).length / 1000 };
};

/**
 * Measures the bundle with rxjs's es2015 build in (the budget), with its esm5 build in, and
 * without rxjs (the library's own code).
 */
export const bundleSize = async () => {
  const all = await gzippedKB([], ['es2015']);
  const esm5 = await gzippedKB([]);
  const own = await gzippedKB(['rxjs']);
  const rows = [
    { label: 'with rxjs (es2015)', ...all },
    { label: 'with rxjs (esm5)', ...esm5 },
    { label: 'without rxjs', ...own },
  ].map(({ label, minKB, gzipKB }) => ({
    case: 'size',
    client: `browser bundle ${label}`,
    figure: 'minified / minified + gzip -9, kB',
    value: `${minKB.toFixed(1)} / ${gzipKB.toFixed(2)}`,
  }));
  const check: Check = {
    name: 'browser bundle (lib + the es2015 rxjs it uses), minified + gzip',
    value: Math.round(all.gzipKB * 100) / 100,
    target: BUDGET_KB,
    unit: 'kB',
    note: `${esm5.gzipKB.toFixed(2)} kB with esm5 rxjs, ${own.gzipKB.toFixed(2)} kB without rxjs`,
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
    const verdict = kB <= BUDGET_KB ? 'within budget' : 'OVER THE BUDGET';
    console.log(
      `browser bundle: ${kB.toFixed(2)} kB minified + gzip with es2015 rxjs (budget ${BUDGET_KB} kB, checked in CI): ${verdict}; ${check.note}`,
    );
    process.exit(kB <= BUDGET_KB ? 0 : 1);
  });
}
