// The token path's Observable layers alone, without a stream to parse: 1M token events through
// the cold h2o pipeline's operators (three chained handshake steps, the answer's end, the error
// hint, the token texts), as the library has them and as the alternatives issue 19 weighed
// would have them. ns per token, median of interleaved rounds. A token's whole cost is ~1.4 µs
// (bench/ab.ts memory case), so 14 ns is 1% of it.
// node --import tsx bench/operators.ts  (see bench/PROFILE.md §10)
import {
  catchError,
  concat,
  defer,
  filter,
  map,
  MonoTypeOperatorFunction,
  Observable,
  of,
  OperatorFunction,
  switchMap,
  throwError,
} from 'rxjs';
import type { CompletionEvent } from '../lib';
import { untilAnswered } from '../lib/steps/answer-end';
import { chain, StepResult } from '../lib/steps/chain';
import { fmt, median } from './stats';

const TOKENS = 1_000_000;
const ROUNDS = 15;
const END = '<|endoftext|>';

const events: CompletionEvent[] = Array.from({ length: TOKENS }, (_, i) => ({
  type: 'token',
  text: ` w${i % 100}`,
}));
events.push({ type: 'token', text: END });

const stream$ = new Observable<CompletionEvent>((subscriber) => {
  for (let i = 0; i < events.length && !subscriber.closed; i++) subscriber.next(events[i]);
  subscriber.complete();
});
const step$ = of<StepResult<void>>({ step: 'session', ms: 0, value: undefined });

type Chain = typeof chain;

// chain as switchMap + concat would have it (two layers a step).
const switchChain: Chain = (step, next) =>
  step.pipe(
    switchMap(({ step: s, ms, value }) =>
      concat(
        of<CompletionEvent>({ type: 'step', step: s, ms }),
        defer(() => next(value)),
      ),
    ),
  );

// The operators of 16060d2, written by hand (lib/just.ts, lib/steps/answer-end.ts).
const byHand =
  <T, R>(next: (value: T, out: (r: R) => void, end: () => void) => void): OperatorFunction<T, R> =>
  (source) =>
    new Observable<R>((subscriber) =>
      source.subscribe({
        next: (value) =>
          next(
            value,
            (r) => subscriber.next(r),
            () => subscriber.complete(),
          ),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
const oneUntilAnswered = byHand<CompletionEvent, CompletionEvent>((e, out, end) => {
  if (e.type === 'token' && e.text === END) return end();
  out(e);
  if (e.type === 'done') end();
});
const mapError: MonoTypeOperatorFunction<CompletionEvent> = (source) =>
  new Observable((subscriber) =>
    source.subscribe({
      next: (value) => subscriber.next(value),
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    }),
  );
const tokenTexts = byHand<CompletionEvent, string>((e, out) => {
  if (e.type === 'token') out(e.text);
});

const handshake = (join: Chain) => () =>
  join(step$, () => join(step$, () => join(step$, () => stream$)));
const hint: MonoTypeOperatorFunction<CompletionEvent> = catchError((err: unknown) =>
  throwError(() => err),
);
const texts = (source: Observable<CompletionEvent>) =>
  source.pipe(
    filter((e) => e.type === 'token'),
    map((e) => (e as { text: string }).text),
  );

const paths: Record<string, () => Observable<string>> = {
  '16060d2 (all by hand)': () => handshake(chain)().pipe(oneUntilAnswered, mapError, tokenTexts),
  'now: 2 takeWhiles, catchError': () =>
    handshake(chain)().pipe(untilAnswered(END), hint, tokenTexts),
  'now, with filter + map': () => handshake(chain)().pipe(untilAnswered(END), hint, texts),
  'now, with chain on switchMap + concat': () =>
    handshake(switchChain)().pipe(untilAnswered(END), hint, tokenTexts),
};

const nsPerToken = (path: () => Observable<string>) => {
  let count = 0;
  const started = performance.now();
  path().subscribe(() => count++);
  const ms = performance.now() - started;
  if (count !== TOKENS) throw new Error(`${count} tokens of ${TOKENS}`);
  return (ms * 1e6) / TOKENS;
};

const figures: Record<string, number[]> = Object.fromEntries(
  Object.keys(paths).map((name) => [name, []]),
);
for (const path of Object.values(paths)) nsPerToken(path); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, path] of Object.entries(paths)) figures[name].push(nsPerToken(path));
}
const base = median(figures['16060d2 (all by hand)']);
for (const [name, ns] of Object.entries(figures)) {
  const m = median(ns);
  console.log(`${name.padEnd(40)} ${fmt(m)} ns a token (${m >= base ? '+' : ''}${fmt(m - base)})`);
}
