// The library's own layers alone: completion$ over a fetch that answers from memory (no
// socket, no cookie jar, no node-fetch), against a hand-written loop making the same four
// calls to that fetch and parsing the stream as the raw client does. Client CPU µs per
// completion, at 1 token (the handshake's cost) and at 200, interleaved rounds, medians.
// `npm run build && node --expose-gc --import tsx bench/layers.ts` (see bench/PROFILE.md §9).
import type { FetchLike } from '../lib';
import { aborting, lib } from './built';
import { memoryFetch as answering } from './memory-fetch';
import { readTgiEvents } from './raw-client';
import { askFor } from './reply';
import { fmt, interleave, median } from './stats';

const ROUNDS = 9;
const BATCH = 100;
const BATCHES = 20;

// As the default Node fetch is: aborted through node-fetch's light signal.
const memoryFetch = (tokens: number): FetchLike =>
  aborting.abortsWith(answering(tokens), aborting.nodeFetchController);

const baseUrl = 'http://127.0.0.1:9';

const text = async (response: Response): Promise<string> => {
  let all = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) all += chunk;
  return all;
};

const viaLibrary = (fetch: FetchLike, tokens: number) => () =>
  new Promise<void>((resolve, reject) => {
    let count = 0;
    lib
      .completion$('falcon-40b', [{ role: 'user', content: askFor(tokens) }], { baseUrl, fetch })
      .subscribe({
        next: () => void count++,
        error: reject,
        complete: () => (count === tokens ? resolve() : reject(new Error(`${count} tokens`))),
      });
  });

const byHand = (fetch: FetchLike, tokens: number) => async () => {
  await text(await fetch(`${baseUrl}/`, { headers: { accept: 'text/html' } }));
  JSON.parse(await text(await fetch(`${baseUrl}/settings`, { method: 'POST', body: 'a=b' })));
  const { conversationId } = JSON.parse(
    await text(await fetch(`${baseUrl}/conversation`, { method: 'POST', body: '{}' })),
  ) as { conversationId: string };
  const stream = await fetch(`${baseUrl}/conversation/${conversationId}`, { method: 'POST' });
  const chunks = (async function* () {
    for await (const chunk of stream.body as unknown as AsyncIterable<Buffer>) yield `${chunk}`;
  })();
  const { count } = await readTgiEvents(chunks, performance.now());
  if (count !== tokens) throw new Error(`by hand: ${count} tokens`);
};

// Client CPU µs per completion over BATCHES batches of BATCH at once.
const cpuPer = (one: () => Promise<void>) => async () => {
  const used = process.cpuUsage();
  for (let b = 0; b < BATCHES; b++) await Promise.all(Array.from({ length: BATCH }, one));
  const cpu = process.cpuUsage(used);
  return (cpu.user + cpu.system) / (BATCH * BATCHES);
};

const main = async () => {
  for (const tokens of [1, 200]) {
    const fetch = memoryFetch(tokens);
    const figures = await interleave(ROUNDS, {
      completion$: cpuPer(viaLibrary(fetch, tokens)),
      'by hand': cpuPer(byHand(fetch, tokens)),
    });
    const library = median(figures['completion$']);
    const hand = median(figures['by hand']);
    console.log(
      `${tokens} token(s): completion$ ${fmt(library, 0)} µs, by hand ${fmt(hand, 0)} µs ` +
        `of CPU per completion: our layers ${fmt(library - hand, 0)} µs`,
    );
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
