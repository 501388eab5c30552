/* global process */
// Builds the package: CommonJS + declarations with tsc (dist/cjs), ESM for Node with esbuild
// (dist/esm, with the declarations rewritten for ESM resolution), and an ESM browser build
// (dist/browser) whose default fetch is the page's own, with no Node-only imports.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
  existsSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });

// 1. CommonJS and .d.ts.
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
writeFileSync(join(dist, 'cjs/package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
chmodSync(join(dist, 'cjs/cli/main.js'), 0o755);

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: 'es2020',
  packages: 'external', // rxjs, cross-fetch, fetch-cookie and node: builtins stay imports
  legalComments: 'none',
  logLevel: 'warning',
};

// 2. ESM for Node: one file per entry point, shared code in chunks.
await esbuild.build({
  ...common,
  entryPoints: {
    index: 'lib/index.ts',
    'testing/index': 'lib/testing/index.ts',
    'ai-sdk/index': 'lib/ai-sdk/index.ts',
    'chat/index': 'lib/chat/index.ts',
    'angular/index': 'lib/angular/index.ts',
  },
  outdir: 'dist/esm',
  platform: 'node',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
writeFileSync(join(dist, 'esm/package.json'), JSON.stringify({ type: 'module' }) + '\n');

// 3. ESM for browsers: the page's fetch instead of cross-fetch + fetch-cookie + node:http, and
// the TextDecoder alone instead of the UTF-8 decoder's Buffer path (a browser has no Buffer), and
// no Secure-cookie check (a page's fetch never shows Set-Cookie).
const browserFetch = {
  name: 'browser-default-fetch',
  setup(build) {
    build.onResolve({ filter: /\/(default-fetch|utf8-decoder|insecure-cookie)$/ }, (args) => ({
      path: resolve(args.resolveDir, `${args.path}.browser.ts`),
    }));
  },
};
const browser = await esbuild.build({
  ...common,
  entryPoints: { index: 'lib/index.ts' },
  outdir: 'dist/browser',
  platform: 'browser',
  plugins: [browserFetch],
  metafile: true,
});
// h2o-rx/ai-sdk, h2o-rx/chat and h2o-rx/angular for browsers: each stands on the public face
// (and h2o-rx/angular on h2o-rx/chat), which it imports from the browser build's own files (one
// copy of the library, its error classes included), not a copy of it.
const faces = { '../index': '../index.js', '../chat': '../chat/index.js' };
const entries = ['ai-sdk', 'chat', 'angular'];
const entriesBrowser = await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(entries.map((e) => [`${e}/index`, `lib/${e}/index.ts`])),
  outdir: 'dist/browser',
  platform: 'browser',
  plugins: [
    {
      name: 'public-face-external',
      setup(build) {
        build.onResolve({ filter: /^\.\.\/(index|chat)$/ }, (args) =>
          entries.some((e) => args.importer.includes(join('lib', e)))
            ? { path: faces[args.path], external: true }
            : undefined,
        );
      },
    },
    browserFetch,
  ],
  metafile: true,
});
writeFileSync(join(dist, 'browser/package.json'), JSON.stringify({ type: 'module' }) + '\n');
const browserImports = [browser, entriesBrowser]
  .flatMap((b) => Object.values(b.metafile.outputs))
  .flatMap((o) => o.imports.map((i) => i.path));
const nodeOnly = browserImports.filter((p) =>
  /^(node:|cross-fetch|fetch-cookie|node-fetch|http|https)/.test(p),
);
if (nodeOnly.length > 0)
  throw new Error(`the browser build imports Node-only modules: ${nodeOnly.join(', ')}`);

// 4. Declarations for the ESM builds: the same .d.ts, with relative specifiers made explicit
// (`./errors` → `./errors.js`, `./testing` → `./testing/index.js`) as ESM resolution requires.
const explicit = (file, spec) => {
  const base = resolve(dirname(file), spec);
  if (existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (existsSync(join(base, 'index.d.ts'))) return `${spec.replace(/\/$/, '')}/index.js`;
  throw new Error(`${relative(root, file)}: cannot resolve ${spec}`);
};
const copyDeclarations = (from, to) => {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    // The command's declarations stay in dist/cjs: nothing imports it.
    if (source === join(dist, 'cjs/cli')) continue;
    if (entry.isDirectory()) copyDeclarations(source, join(to, entry.name));
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(source, 'utf8').replace(
        /(from\s+|import\s*\(\s*|import\s+)(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g,
        (_, lead, quote, spec) => `${lead}${quote}${explicit(source, spec)}${quote}`,
      );
      mkdirSync(to, { recursive: true });
      writeFileSync(join(to, entry.name), text);
    }
  }
};
copyDeclarations(join(dist, 'cjs'), join(dist, 'esm'));
