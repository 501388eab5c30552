// The library side of every case: one completion$ run, timed the way the raw client times
// its own (subscribe → first token, and the count of tokens).
import type * as Lib from '../lib';
import type { CompletionOptions, H2oSession } from '../lib';
import { lib } from './built';
import { askFor } from './reply';
import type { RawResult } from './raw-client';

/**
 * One completion$ of `library` (a build of the package) of `tokens` tokens against `baseUrl`,
 * with `options` besides; resolves with the tokens seen and the time to the first one.
 * `onToken` sees every token.
 */
export const completionOf =
  (library: typeof Lib, options: CompletionOptions = {}) =>
  (
    baseUrl: string,
    tokens: number,
    session?: H2oSession,
    onToken?: (text: string) => void,
  ): Promise<RawResult> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      let firstMs = -1;
      let count = 0;
      library
        .completion$('falcon-40b', [{ role: 'user', content: askFor(tokens) }], {
          ...options,
          baseUrl,
          session,
          // Today's chat-ui takes no sampling parameters: its server decides the length.
          ...(options.dialect === 'chat-ui' ? {} : { maxNewTokens: 1_000_000 }),
        })
        .subscribe({
          next: (text) => {
            if (firstMs < 0) firstMs = performance.now() - started;
            count++;
            onToken?.(text);
          },
          error: reject,
          complete: () => resolve({ count, firstMs }),
        });
    });

/** {@link completionOf} the build the bench runs (dist/cjs, or the one LIBDIST names). */
export const libCompletion = completionOf(lib);
