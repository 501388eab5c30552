/** One stored message update: the stream's updates minus keep-alives, tokens emptied. */
export type StoredUpdate = Record<string, unknown>;

/** How a generation ended, as the resume channel's `end` event names it. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'error';

/** One update of a run's log and its sequence number. */
export interface RunEvent {
  seq: number;
  update: StoredUpdate;
}

/** Tokens that arrive within one flush window are merged into one logged update. */
export const FLUSH_WINDOW_MS = 200;

/**
 * The log of one generation, as chat-ui keeps it for the resume channel: every update but
 * keep-alives gets the next sequence number, except a token (of the answer, or of reasoning)
 * that follows one of its kind in the same flush window, which is merged into it. Readers see an update once its window is flushed.
 */
export interface GenerationRun {
  readonly generationId: string;
  /** The assistant message the run writes. */
  readonly messageId: string;
  readonly startedAt: number;
  status: RunStatus;
  /** The updates flushed so far, in order: what a reader can replay. */
  readonly events: RunEvent[];
  /** Log an update (keep-alives are dropped). */
  push(update: StoredUpdate): void;
  /** The last sequence number given; the pending window is flushed, so no later token joins it. */
  seal(): number;
  /** Flush what is pending and set the final status. */
  finish(status: Exclude<RunStatus, 'running'>): void;
}

// Text and reasoning are the per-token streams; a token joins the one before only of its own kind.
const isToken = (update: StoredUpdate) =>
  update.type === 'stream' || (update.type === 'reasoning' && update.subtype === 'stream');
const sameStream = (a: StoredUpdate, b: StoredUpdate) =>
  isToken(a) && isToken(b) && a.type === b.type;

/** Starts the log of a generation. */
export const createRun = (generationId: string, messageId: string): GenerationRun => {
  const events: RunEvent[] = [];
  let pending: RunEvent[] = [];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    events.push(...pending);
    pending = [];
  };
  const run: GenerationRun = {
    generationId,
    messageId,
    startedAt: Date.now(),
    status: 'running',
    events,
    push: (update) => {
      if (run.status !== 'running') return;
      if (update.type === 'status' && update.status === 'keepAlive') return;
      const last = pending.at(-1);
      if (last && sameStream(last.update, update)) {
        last.update = {
          ...last.update,
          token: `${String(last.update.token)}${String(update.token)}`,
        };
      } else {
        seq += 1;
        pending.push({ seq, update });
      }
      if (!timer) {
        timer = setTimeout(flush, FLUSH_WINDOW_MS);
        timer.unref();
      }
    },
    seal: () => {
      flush();
      return seq;
    },
    finish: (status) => {
      if (run.status !== 'running') return;
      flush();
      run.status = status;
    },
  };
  return run;
};
