// What profile.ts and cpu.ts share: one side of the handshake cases (the built library or the
// raw client), 200 tokens per completion on a fresh session, and the shapes they run in.
import { rawCompletion, rawInputs } from './raw-client';
import { askFor } from './reply';
import { stackCompletion } from './stack-client';

const TOKENS = 200;

/**
 * The side measured: the library (`completion$`) unless the argument says `raw`, or `stack`
 * (the raw client's requests through the default fetch stack).
 */
export type Client = 'completion$' | 'raw' | 'stack';

export const clientOf = (arg: string | undefined): Client =>
  arg === 'raw' || arg === 'stack' ? arg : 'completion$';

/**
 * The side `client` as a maker of one completion against a server, checked for its token
 * count; the library is loaded here, before any server is started.
 */
export const loadSide = async (
  client: Client,
): Promise<(baseUrl: string) => () => Promise<void>> => {
  if (client === 'raw' || client === 'stack') {
    return (baseUrl) => async () => {
      const { count } =
        client === 'raw'
          ? await rawCompletion(baseUrl, rawInputs(TOKENS), 'parse')
          : await stackCompletion(baseUrl, TOKENS);
      if (count !== TOKENS) throw new Error(`${client}: ${count} tokens of ${TOKENS}`);
    };
  }
  const { completion$ } = (await import('./built')).lib;
  return (baseUrl) => () =>
    new Promise<void>((resolve, reject) => {
      let count = 0;
      completion$('falcon-40b', [{ role: 'user', content: askFor(TOKENS) }], {
        baseUrl,
        maxNewTokens: 1_000_000,
      }).subscribe({
        next: () => void count++,
        error: reject,
        complete: () =>
          count === TOKENS ? resolve() : reject(new Error(`${count} tokens of ${TOKENS}`)),
      });
    });
};

/** 300 completions one after the other, or 2 bursts of 300 at once; each resolves the count. */
export const shapes = {
  sequential: async (one: () => Promise<void>) => {
    for (let i = 0; i < 300; i++) await one();
    return 300;
  },
  concurrent: async (one: () => Promise<void>) => {
    for (let i = 0; i < 2; i++) await Promise.all(Array.from({ length: 300 }, one));
    return 600;
  },
};

/** The shape named, or a usage error naming the script. */
export const shapeOf = (arg: string | undefined, script: string): keyof typeof shapes => {
  const shape = (arg ?? 'sequential') as keyof typeof shapes;
  if (!(shape in shapes)) throw new Error(`usage: ${script} ${Object.keys(shapes).join('|')}`);
  return shape;
};
