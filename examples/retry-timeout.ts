// Robust use: a timeout for the first token and between tokens, and h2oRetry that runs the
// whole handshake again on retryable failures. The emulator fails the first two streams.
import { timeout } from 'rxjs';
import { completion$, h2oRetry, isRetryable } from '../lib';
import { startEmulator } from '../lib/testing';

const main = async () => {
  const emulator = await startEmulator({
    tokenDelayMs: 20,
    faults: [
      { step: 'stream', status: 503, times: 1 }, // a proxy in front is down
      { step: 'stream', kind: 'stall', afterTokens: 0, times: 1 }, // then the stream stalls
    ],
  });
  completion$('falcon-7b', [{ role: 'user', content: 'Tell me about retries' }], {
    baseUrl: emulator.url,
  })
    .pipe(timeout({ first: 2_000, each: 1_000 }), h2oRetry({ count: 3, baseMs: 200 }))
    .subscribe({
      next: (token) => process.stdout.write(token),
      error: (err: Error) => {
        console.error(`\nfailed for good: ${err.name} (retryable: ${isRetryable(err)})`);
        process.exitCode = 1;
        void emulator.close();
      },
      complete: () => {
        const streams = emulator.requests.filter((r) => r.step === 'stream').length;
        console.log(`\n(done after ${streams} stream attempts)`);
        void emulator.close();
      },
    });
};

void main();
