import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from '../types';

/** One request being recorded. */
export interface Recording {
  readonly record: RecordedRequest;
  /** The emulator itself cut the connection: not the client's doing, so not `closedEarly`. */
  markCut(): void;
}

/** The log of requests, and what is still in flight. */
export interface Recorder {
  /** Every request so far, in arrival order; `clear` empties this same array. */
  readonly requests: RecordedRequest[];
  /** Start recording a request; the record completes when its response closes. */
  track(req: IncomingMessage, res: ServerResponse): Recording;
  /** Counts `task` as in flight until it settles: work the server goes on with after a response. */
  busy(task: Promise<unknown>): void;
  /** Resolves once nothing is in flight, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
  /** Forget the recorded requests (those in flight still complete, unlisted). */
  clear(): void;
}

/** Creates an empty {@link Recorder}. */
export const createRecorder = (): Recorder => {
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  let inFlight = 0;
  const release = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of [...waiters]) wake();
  };
  return {
    requests,
    track: (req, res) => {
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        body: '',
        closedEarly: false,
        finished: false,
      };
      requests.push(record);
      inFlight += 1;
      let cut = false;
      res.once('close', () => {
        record.finished = true;
        record.closedEarly = !cut && !res.writableFinished;
        release();
      });
      return { record, markCut: () => (cut = true) };
    },
    busy: (task) => {
      inFlight += 1;
      void task.then(release, release);
    },
    settled: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (inFlight === 0) return resolve();
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        timer.unref();
        waiters.add(done);
      }),
    clear: () => {
      requests.length = 0;
    },
  };
};
