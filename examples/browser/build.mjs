/* global console */
// Bundles the page with esbuild into examples/browser/dist/ (index.html + main.js), against the
// package's browser build (dist/browser: run `npm run build` first), as a user's bundler would
// pick it through the `browser` export condition.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(here, 'dist');
const browserBuild = join(root, 'dist/browser/index.js');
if (!existsSync(browserBuild))
  throw new Error(`${browserBuild} is missing: run npm run build first`);

// main.ts imports '../../lib' so that the repo type-checks it; bundle the published build instead.
const packageBuild = {
  name: 'h2o-rx-browser-build',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/\.\.\/lib$/ }, () => ({ path: browserBuild }));
  },
};

mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(here, 'main.ts')],
  outfile: join(out, 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  metafile: true,
  plugins: [packageBuild],
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
const bytes =
  result.metafile.outputs[Object.keys(result.metafile.outputs).find((f) => f.endsWith('main.js'))]
    .bytes;
console.log(`examples/browser/dist/main.js: ${(bytes / 1024).toFixed(1)} KiB`);
