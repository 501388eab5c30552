// Reads a .cpuprofile (bench/profile.ts, or node --cpu-prof) and prints the self time by
// layer (node-fetch, cookies, RxJS, our layers, Node's http and streams, GC…) and the top
// functions, as percentages of the profile's busy (non-idle) time.
// Usage: npm run profile:summary -- <file.cpuprofile> [top=25]
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// First match wins: the layer a function's file belongs to.
const layers: [string, RegExp][] = [
  ['node-fetch', /node_modules\/node-fetch\//],
  ['fetch-cookie', /node_modules\/fetch-cookie\//],
  ['tough-cookie', /node_modules\/tough-cookie\//],
  [
    'cookie deps (psl, tldts, url-parse…)',
    /node_modules\/(psl|tldts|url-parse|punycode|set-cookie-parser|querystringify|requires-port)/,
  ],
  ['whatwg-url / tr46', /node_modules\/(whatwg-url|tr46|webidl-conversions)\//],
  ['rxjs', /node_modules\/rxjs\//],
  ['other node_modules', /node_modules\//],
  ['ours: http (exchange, body)', /\/(lib|dist\/cjs)\/http\//],
  ['ours: steps + dialects', /\/(lib|dist\/cjs)\/(steps|dialects)\//],
  ['ours: stream (utf8, lines, events, tgi)', /\/(lib|dist\/cjs)\/stream\//],
  ['ours: completion, options, rest', /\/(lib|dist\/cjs)\//],
  ['bench', /\/bench\//],
  [
    'node: http / net / stream',
    /^node:(_http|http|net|stream|internal\/(streams|http|stream_base|net|js_stream))/,
  ],
  ['node: url', /^node:(url|internal\/url)/],
  ['node: abort / events', /^node:(internal\/(abort_controller|event_target|events)|events)/],
  [
    'node: timers, promises, async hooks',
    /^node:internal\/(timers|process\/task_queues|async_hooks|process\/promises)/,
  ],
  ['node: other', /^node:/],
];

const layerOf = (node: ProfileNode): string => {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)' || functionName === '(program)') return functionName;
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  return layers.find(([, re]) => re.test(url))?.[0] ?? 'unknown';
};

const main = () => {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>(); // node id → µs
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const byLayer = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const node = nodes.get(id) as ProfileNode;
    const layer = layerOf(node);
    if (layer === '(idle)') continue;
    busy += us;
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|lib|dist|bench)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`busy (non-idle) time: ${(busy / 1000).toFixed(0)} ms\n\nself time by layer:`);
  for (const [layer, us] of [...byLayer].sort((a, b) => b[1] - a[1])) {
    console.log(`${pct(us)} ${ms(us)}  ${layer}`);
  }
  console.log(`\ntop ${top} functions by self time:`);
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${pct(us)} ${ms(us)}  ${name}`);
  }
};

main();
