// A real 30 s reasoning phase through the README's timeout pattern ("A timeout that counts
// keep-alives"): the emulator's reasoning model (in its own process, dialect chat-ui) thinks
// 30 s with nothing on the wire but a keep-alive every 100 ms (`wire: 'hidden'`, the case
// where only keep-alives tell a thinking server from a dead one), then answers 20 tokens;
// completionEvents$ → timeout({ first: 30_000, each: 10_000 }) → h2oRetry({ count: 3 }) →
// h2oText(). Reported: whether it tripped, the attempts (subscriptions: one means no retry),
// the keep-alives that passed, the longest gap between two events, the answer's time. Then the
// same with the keep-alives filtered out before the timeout, which must trip at 10 s.
// npm run bench:reasoning   (builds first; the build in dist/cjs, or the one LIBDIST names)
//   [--phase=30000] [--each=10000]   See bench/PROFILE.md §11.
import { defer, filter, lastValueFrom, type Observable, tap, timeout } from 'rxjs';
import type { CompletionEvent } from '../lib';
import { lib } from './built';
import { spawnEmulator } from './child';
import { askFor } from './reply';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const PHASE_MS = arg('phase', 30_000);
const EACH_MS = arg('each', 10_000);
const TOKENS = 20;

interface Run {
  outcome: string;
  attempts: number;
  keepAlives: number;
  longestGapMs: number;
  ms: number;
}

const measure = async (url: string, dropKeepAlives: boolean, retries: number): Promise<Run> => {
  let attempts = 0;
  let keepAlives = 0;
  let tokens = 0;
  let longestGapMs = 0;
  let last = performance.now();
  const started = last;
  const events$: Observable<CompletionEvent> = defer(() => {
    attempts++;
    return lib.completionEvents$('reasoner', [{ role: 'user', content: askFor(TOKENS) }], {
      baseUrl: url,
      dialect: 'chat-ui',
    });
  }).pipe(
    tap(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }),
    filter((e) => !(dropKeepAlives && e.type === 'keep-alive')),
  );
  let outcome: string;
  try {
    const text = await lastValueFrom(
      events$.pipe(
        timeout({ first: 30_000, each: EACH_MS }),
        lib.h2oRetry({ count: retries }),
        tap((e) => {
          if (e.type === 'keep-alive') keepAlives++;
          else if (e.type === 'token') tokens++;
        }),
        lib.h2oText(),
      ),
    );
    outcome = `answered (${tokens} tokens, ${text.length} chars), no timeout`;
  } catch (err) {
    outcome = `failed: ${err instanceof Error ? err.name : String(err)}`;
  }
  return { outcome, attempts, keepAlives, longestGapMs, ms: performance.now() - started };
};

const line = (name: string, r: Run) =>
  `${name.padEnd(26)} ${r.outcome}; ${r.attempts} attempt(s); ${r.keepAlives} keep-alives ` +
  `passed the timeout; longest gap between the server's events ${r.longestGapMs.toFixed(0)} ms; ` +
  `${(r.ms / 1000).toFixed(2)} s`;

const main = async () => {
  const emu = await spawnEmulator({
    dialect: 'chat-ui',
    tokenDelayMs: 10,
    chatUi: { reasoning: { durationMs: PHASE_MS, tokens: 0, wire: 'hidden' } },
  });
  try {
    console.log(
      `reasoning phase ${PHASE_MS} ms (keep-alives only), timeout({ first: 30_000, each: ${EACH_MS} })`,
    );
    const kept = await measure(emu.url, false, 3);
    console.log(line('keep-alives kept', kept));
    // Without keep-alives the timeout must trip; retried, it would trip again: one attempt.
    const dropped = await measure(emu.url, true, 0);
    console.log(line('keep-alives filtered out', dropped));
    if (kept.outcome.startsWith('failed') || kept.attempts !== 1) process.exitCode = 1;
    if (!dropped.outcome.includes('TimeoutError')) process.exitCode = 1;
  } finally {
    await emu.close();
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
