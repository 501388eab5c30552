import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { CompletionEvent, DoneEvent } from '../events';

// Today's chat-ui never writes `reasoning` updates for its models (its model config drops the
// reasoning settings): a model's thinking reaches the client inside the answer's own text, as
// `<think>…</think>` (the OpenAI endpoint wraps `reasoning_content` so, and DeepSeek-style
// models write the tags themselves). chat-ui's front end finds those blocks anywhere in the
// text, case aside, an unclosed one running to the end; so does this.
const OPEN = '<think>';
const CLOSE = '</think>';
const BLOCK = /<think>[\s\S]*?(?:<\/think>|$)/gi;

// Where a tag that `text` may end the first part of begins (text.length: none).
const partialTagAt = (lower: string, tag: string): number => {
  for (let n = Math.min(tag.length - 1, lower.length); n > 0; n--) {
    if (lower.endsWith(tag.slice(0, n))) return lower.length - n;
  }
  return lower.length;
};

/** Where shaped events go (a subscriber). */
export type EventSink = { next(event: CompletionEvent): void };

/** A text's pieces: the answer's and the reasoning's, in order. */
export type ThinkPiece = { reasoning: boolean; text: string };

/**
 * A splitter of streamed text into answer and reasoning pieces, `<think>` blocks being the
 * reasoning. Tags may be cut across tokens: a tail that may begin one waits for the next text.
 */
export const thinkSplitter = () => {
  let inThink = false;
  let pending = '';
  const split = (text: string): ThinkPiece[] => {
    const pieces: ThinkPiece[] = [];
    let rest = pending + text;
    pending = '';
    while (rest !== '') {
      const tag = inThink ? CLOSE : OPEN;
      const lower = rest.toLowerCase();
      const at = lower.indexOf(tag);
      if (at >= 0) {
        if (at > 0) pieces.push({ reasoning: inThink, text: rest.slice(0, at) });
        rest = rest.slice(at + tag.length);
        inThink = !inThink;
        continue;
      }
      const cut = partialTagAt(lower, tag);
      if (cut > 0) pieces.push({ reasoning: inThink, text: rest.slice(0, cut) });
      pending = rest.slice(cut);
      break;
    }
    return pieces;
  };
  return {
    split,
    /** Whether nothing is held back and no block is open: a text with no `<` is answer. */
    quiet: () => !inThink && pending === '',
    /** What was held back, as its piece (the text ended inside a possible tag). */
    flush: (): ThinkPiece[] => {
      const piece = pending === '' ? [] : [{ reasoning: inThink, text: pending }];
      pending = '';
      return piece;
    },
  };
};

/**
 * A stored or final text apart: the answer without its `<think>` blocks (leading whitespace
 * after a removed block dropped, as the front end shows it), and the blocks' reasoning.
 */
export const thinkApart = (text: string): { answer: string; reasoning?: string } => {
  // A whole answer may be megabytes: a scan for '<' first, no lower-case copy of it.
  if (text.indexOf('<') === -1 || !/<think>/i.test(text)) return { answer: text };
  const reasoning: string[] = [];
  const answer = text.replace(BLOCK, (block) => {
    const inner = block.slice(OPEN.length);
    reasoning.push(inner.toLowerCase().endsWith(CLOSE) ? inner.slice(0, -CLOSE.length) : inner);
    return '';
  });
  return { answer: answer.trimStart(), reasoning: reasoning.join('\n') };
};

/**
 * Dialect chat-ui: a model's `<think>` blocks out of one answer's events, one event at a time
 * (state kept across them). Token texts inside a block become `reasoning` events, the rest stays
 * tokens; `done.text` loses its blocks, which go to `done.reasoning`; `done.tokens` counts the
 * token events that passed. A token with no tag and outside a block passes as it is (one check a
 * token). `end` gives back a tag's beginning held when the events end without `done`.
 */
export const thinkShaper = () => {
  const splitter = thinkSplitter();
  let tokens = 0;
  let split = false;
  // Outside a block with nothing held: what `splitter.quiet()` says, kept here so that a plain
  // token costs no call (bench/ab.ts chat-ui: the calls cost ~8% of a token's path).
  let quiet = true;
  const emit = (pieces: ThinkPiece[], out: EventSink) => {
    for (const { reasoning, text } of pieces) {
      if (reasoning) out.next({ type: 'reasoning', text });
      else {
        tokens++;
        out.next({ type: 'token', text });
      }
    }
    quiet = splitter.quiet();
  };
  return {
    next(e: CompletionEvent, out: EventSink): void {
      if (e.type === 'token') {
        if (quiet && e.text.indexOf('<') === -1) {
          tokens++;
          return out.next(e);
        }
        split = true;
        return emit(splitter.split(e.text), out);
      }
      if (e.type !== 'done') return out.next(e);
      emit(splitter.flush(), out);
      const { answer, reasoning } = thinkApart(e.text);
      if (reasoning === undefined && !split) return out.next(e);
      const done: DoneEvent = { ...e, text: answer, tokens };
      if (reasoning !== undefined) done.reasoning = reasoning;
      out.next(done);
    },
    end(out: EventSink): void {
      emit(splitter.flush(), out);
    },
  };
};

/**
 * {@link thinkShaper} as an operator, for a source no layer of the stream step shapes already
 * (the resume channel that `resume$` reads alone).
 */
export const reasoningApart = (): MonoTypeOperatorFunction<CompletionEvent> => (source) =>
  new Observable<CompletionEvent>((subscriber) => {
    const shaper = thinkShaper();
    return source.subscribe({
      next: (e) => shaper.next(e, subscriber),
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        shaper.end(subscriber);
        subscriber.complete();
      },
    });
  });
