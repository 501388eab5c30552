// Soak: many concurrent completions, then many subscribe/unsubscribe cycles at random points,
// against the emulator in this process. Bounded in count and time; prints its figures and
// exits non-zero if any check fails. `npm run soak` (full) or `npm run soak -- --small` (CI).
import { Subscription } from 'rxjs';
import { completion$ } from '../lib';
import { startEmulator } from '../lib/testing';
import { spawnEmulator } from './child';

const small = process.argv.includes('--small');
const concurrent = small ? 100 : 500;
const cycles = small ? 200 : 1000;
const deadline = Date.now() + (small ? 60_000 : 180_000);
const messages = [{ role: 'user' as const, content: 'soak' }];

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const canGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Subscribe and unsubscribe at a random moment, `count` times, one after another.
const cancelCycles = async (url: string, count: number) => {
  let done = 0;
  for (; done < count && Date.now() < deadline; done++) {
    const sub: Subscription = completion$('falcon-40b', messages, { baseUrl: url }).subscribe({
      error: () => undefined,
    });
    await sleep(Math.random() * 15);
    sub.unsubscribe();
  }
  return done;
};

// The client's own heap: with the emulator in another process, whose sessions (a real server
// keeps them too) do not count. Measured after a warm-up, so that what is set up once is not.
const clientHeapGrowth = async () => {
  const child = await spawnEmulator({ tokenDelayMs: 2 });
  try {
    await cancelCycles(child.url, 200);
    await sleep(500);
    gc();
    const before = heapMb();
    await cancelCycles(child.url, cycles);
    await sleep(1000); // fire-and-forget stop requests settle
    gc();
    return heapMb() - before;
  } finally {
    await child.close();
  }
};

const main = async () => {
  const emu = await startEmulator({
    tokenDelayMs: 2,
    reply: () => Array.from({ length: 20 }, (_, i) => ` w${i}`),
  });
  // Warm up once, so that what modules set up on first use is not counted as growth.
  await new Promise<void>((resolve) =>
    completion$('falcon-40b', messages, { baseUrl: emu.url }).subscribe({
      complete: resolve,
      error: resolve,
    }),
  );
  await sleep(50);
  gc();
  const heapStart = heapMb();

  // 1. Concurrent completions: each must end exactly once, with the whole answer.
  let completed = 0;
  let failed = 0;
  let endedTwice = 0;
  await Promise.all(
    Array.from(
      { length: concurrent },
      () =>
        new Promise<void>((resolve) => {
          let ended = 0;
          let text = '';
          completion$('falcon-40b', messages, { baseUrl: emu.url }).subscribe({
            next: (t) => (text += t),
            error: () => {
              ended++;
              failed++;
              resolve();
            },
            complete: () => {
              if (++ended > 1) endedTwice++;
              if (text.split(' w').length === 21) completed++;
              else failed++;
              resolve();
            },
          });
        }),
    ),
  );

  // 2. Subscribe, then unsubscribe at a random moment of the handshake or the stream.
  const cancelled = await cancelCycles(emu.url, cycles);

  // Let fire-and-forget stop requests and aborted sockets settle, then count what is left.
  await emu.settled(5000);
  await sleep(200);
  const unfinished = emu.requests.filter((r) => !r.finished).length;
  const stops = emu.requests.filter((r) => r.step === 'stop').length;
  // Idle keep-alive sockets close when the server's keep-alive timeout (5 s) passes.
  const idleUntil = Date.now() + 6000;
  while (emu.openConnections() > 0 && Date.now() < idleUntil) await sleep(100);
  const openBeforeClose = emu.openConnections();
  await emu.close();
  // The emulator's own log of requests lives in this process too: drop it before measuring.
  emu.reset();
  await sleep(100);
  gc();
  const heapEnd = heapMb();

  const figures = {
    concurrent,
    completed,
    failed,
    endedTwice,
    cancelled,
    stopRequests: stops,
    unfinishedRequests: unfinished,
    openConnections: openBeforeClose,
    // Client and emulator in one process: the emulator's session store grows by design.
    processHeapGrowthMb: +(heapEnd - heapStart).toFixed(2),
    clientHeapGrowthMb: +(await clientHeapGrowth()).toFixed(2),
    warnings: warnings.length,
  };
  console.log(JSON.stringify(figures));
  const ok =
    completed === concurrent &&
    endedTwice === 0 &&
    unfinished === 0 &&
    figures.openConnections === 0 &&
    (!canGc || figures.clientHeapGrowthMb < 5) &&
    !warnings.some((w) => w.includes('MaxListenersExceeded'));
  console.log(ok ? 'soak: ok' : 'soak: FAILED');
  process.exitCode = ok ? 0 : 1;
};

void main();
