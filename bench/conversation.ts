// Case "conversation" (issue 10): a follow-up turn's time to first token against a cold raw
// 4-request completion, each dialect, and resume's gap from a dropped connection to the next
// token, all on emulators with 20 ms added before every response, in another process.
// Interleaved rounds, medians.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { firstValueFrom, Observable } from 'rxjs';
import type { CompletionEvent, H2oConversation } from '../lib';
import type { EmulatorOptions } from '../lib/testing';
import { lib } from './built';
import { rawCompletion, rawInputs } from './raw-client';
import { askFor } from './reply';
import { fmt, median, ratio, Row } from './stats';

const LATENCY_MS = 20;
const ROUNDS = 15;
const TOKENS = 5;
// A user reads the answer before typing the next message (seconds in life); the same pause
// comes before every measured run, the raw client's too. In dialect chat-ui the read of the
// answer's id, sent beside the answer, has ended by then.
const THINK_MS = 100;
const think = () => new Promise((resolve) => setTimeout(resolve, THINK_MS));

// Subscribe → first token, ms; the turn is run to its end.
const firstTokenMs = (events$: Observable<CompletionEvent>): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    let first = -1;
    events$.subscribe({
      next: (e) => {
        if (e.type === 'token' && first < 0) first = performance.now() - started;
      },
      error: reject,
      complete: () => (first < 0 ? reject(new Error('no token')) : resolve(first)),
    });
  });

// The gap between the last token before the drop and the first one after it, ms.
const resumeGapMs = (events$: Observable<CompletionEvent>, dropAfter: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const times: number[] = [];
    let resumed = false;
    events$.subscribe({
      next: (e) => {
        if (e.type === 'step' && e.step === 'resume') resumed = true;
        if (e.type === 'token') times.push(performance.now());
      },
      error: reject,
      complete: () =>
        resumed && times.length > dropAfter
          ? resolve(times[dropAfter] - times[dropAfter - 1])
          : reject(new Error('the answer did not resume')),
    });
  });

// Starts bench/conversation-child.ts with one emulator per config; resolves with their URLs.
const spawnEmulators = async (configs: EmulatorOptions[]) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'conversation-child.ts'), JSON.stringify(configs)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise((done) => child.once('exit', done));
  let out = '';
  for await (const chunk of child.stdout.setEncoding('utf8')) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const urls = JSON.parse(out) as string[];
  return { urls, close: () => (child.stdin.end(), exited) };
};

/** Runs the case; the emulators are its own. */
export const conversation = async () => {
  const emulators = await spawnEmulators([
    { latencyMs: LATENCY_MS },
    { dialect: 'chat-ui', latencyMs: LATENCY_MS },
    // Every stream's connection drops after 3 tokens; the server goes on.
    {
      dialect: 'chat-ui',
      latencyMs: LATENCY_MS,
      faults: [{ step: 'stream', kind: 'drop', afterTokens: 3, times: 1000 }],
    },
  ]);
  const [h2oUrl, chatUiUrl, dropUrl] = emulators.urls;
  try {
    const open = (url: string, dialect: 'h2o' | 'chat-ui') =>
      firstValueFrom(
        lib.openConversation(dialect === 'h2o' ? 'falcon-40b' : 'llama3', {
          baseUrl: url,
          dialect,
        }),
      );
    const chats: Record<string, H2oConversation> = {
      h2o: await open(h2oUrl, 'h2o'),
      'chat-ui': await open(chatUiUrl, 'chat-ui'),
    };
    const runs = {
      'raw cold (4 requests)': async () =>
        (await rawCompletion(h2oUrl, rawInputs(TOKENS), 'parse')).firstMs,
      'follow-up h2o': () => firstTokenMs(chats.h2o.ask$(askFor(TOKENS))),
      'follow-up chat-ui': () => firstTokenMs(chats['chat-ui'].ask$(askFor(TOKENS))),
      // Asked the moment the turn before ended: the read beside that turn is still out.
      'follow-up chat-ui, at once': async () => {
        await firstTokenMs(chats['chat-ui'].ask$(askFor(TOKENS)));
        return firstTokenMs(chats['chat-ui'].ask$(askFor(TOKENS)));
      },
    };
    const names = Object.keys(runs) as (keyof typeof runs)[];
    const ttft: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (const name of names) await runs[name](); // warm-up, and each conversation's first turn
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        await think();
        ttft[name].push(await runs[name]());
      }
    }
    // Resume: the client's connection is dropped after 3 tokens; the server goes on.
    const gaps: number[] = [];
    let resumeError: string | undefined;
    for (let round = 0; round < ROUNDS && resumeError === undefined; round++) {
      const events$ = lib.completionEvents$('llama3', [{ role: 'user', content: askFor(8) }], {
        baseUrl: dropUrl,
        dialect: 'chat-ui',
      });
      await resumeGapMs(events$, 3).then(
        (gap) => void gaps.push(gap),
        (err: unknown) => void (resumeError = String(err)),
      );
    }
    const m = (name: string) => median(ttft[name]);
    const rows: Row[] = names.map((name) => ({
      case: 'conversation',
      client: name,
      figure: `time to first token, ms (latencyMs ${LATENCY_MS})`,
      value: fmt(m(name), 1),
      note: `min ${fmt(Math.min(...ttft[name]), 1)}`,
    }));
    const gap = gaps.length > 0 ? median(gaps) : NaN;
    rows.push({
      case: 'conversation',
      client: 'resume chat-ui',
      figure: `dropped connection → next token, ms (latencyMs ${LATENCY_MS})`,
      value: gaps.length > 0 ? fmt(gap, 1) : 'n/a',
      note: resumeError ?? `max ${fmt(Math.max(...gaps), 1)}`,
    });
    return {
      rows,
      ratios: {
        followUpH2oVsRawCold: ratio(m('follow-up h2o'), m('raw cold (4 requests)')),
        followUpChatUiVsRawCold: ratio(m('follow-up chat-ui'), m('raw cold (4 requests)')),
        followUpChatUiAtOnceVsRawCold: ratio(
          m('follow-up chat-ui, at once'),
          m('raw cold (4 requests)'),
        ),
        resumeGapMs: gaps.length > 0 ? Math.round(gap * 10) / 10 : null,
        // One round trip: the added latency and the loopback, measured as a quarter of raw cold.
        resumeWithinRoundTripPlus5:
          gaps.length > 0 ? gap <= m('raw cold (4 requests)') / 4 + 5 : null,
      },
    };
  } finally {
    await emulators.close();
  }
};
