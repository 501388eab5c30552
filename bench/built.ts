// The library as its users run it: the build (dist/cjs, which `npm run bench` makes first), or
// the one LIBDIST names (its index.js), to set two builds side by side. Run from its TypeScript
// source through tsx instead, every function the library makes would also pass through
// esbuild's keepNames helper (`__name`, an Object.defineProperty per closure made): a cost no
// user of the package pays, on the side that makes the most closures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Lib from '../lib';
import type * as Controllers from '../lib/http/controllers';
import type * as DefaultFetch from '../lib/http/default-fetch';
import type * as NodeFetchSignal from '../lib/http/node-fetch-signal';
import type * as Pump from '../lib/stream/pump';
import type * as Tgi from '../lib/stream/tgi';

const index = path.resolve(
  process.env.LIBDIST ?? path.join(__dirname, '..', 'dist', 'cjs', 'index.js'),
);
const root = path.dirname(index);

const loadFile = <T>(built: string): T => {
  if (!fs.existsSync(built)) throw new Error(`no ${built}: run npm run build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(built) as T;
};

const load = <T>(file: string): T => loadFile(path.join(root, file));

/** The public face of the build whose index.js is `file` (bench/ab.ts sets two side by side). */
export const libraryAt = (file: string): typeof Lib => loadFile(path.resolve(file));

/** The package's public face, built. */
export const lib = libraryAt(index);
/** The built default fetch (the default stack's side sends through it). */
export const defaultFetch = load<typeof DefaultFetch>('http/default-fetch.js');
/** The built stream layers (the parser case). */
export const stream = {
  ...load<typeof Pump>('stream/pump.js'),
  ...load<typeof Tgi>('stream/tgi.js'),
};
/** How the built default fetch is marked to abort through node-fetch's light signal. */
export const aborting = {
  ...load<typeof Controllers>('http/controllers.js'),
  ...load<typeof NodeFetchSignal>('http/node-fetch-signal.js'),
};
