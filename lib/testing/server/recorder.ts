import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorStep, RecordedRequest } from '../types';
import { createFollowUps } from './follow-ups';

/** One request being recorded. */
export interface Recording {
  readonly record: RecordedRequest;
  /** The emulator itself cut the connection: not the client's doing, so not `closedEarly`. */
  markCut(): void;
  /** False for a request of a test before the last `clear`: it must not take today's faults. */
  isCurrent(): boolean;
}

/** The log of requests, and what is still in flight. */
export interface Recorder {
  /** Every request so far, in arrival order; `clear` empties this same array. */
  readonly requests: RecordedRequest[];
  /** Start recording a request; the record completes when its response closes. */
  track(req: IncomingMessage, res: ServerResponse): Recording;
  /** Counts `task` as in flight until it settles: work the server goes on with after a response. */
  busy(task: Promise<unknown>): void;
  /**
   * Resolves once nothing of the current log is in flight and no stop-generating is due (a
   * stream the client closed early is followed by one), or after `timeoutMs`.
   */
  settled(timeoutMs: number): Promise<void>;
  /**
   * Start a new log: the requests so far are forgotten, and so are those in flight now and
   * the stop-generating or DELETE that follows a stream of before (they complete, unlisted).
   */
  clear(): void;
}

const STOP_SUFFIX = '/stop-generating';

const pathnameOf = (url: string) => url.split('?')[0];

/** Creates an empty {@link Recorder}; `stepOf` names the step of a request (the dialect's). */
export const createRecorder = (
  stepOf: (method: string, pathname: string) => EmulatorStep | undefined,
): Recorder => {
  const requests: RecordedRequest[] = [];
  const followUps = createFollowUps();
  const waiters = new Set<() => void>();
  const wake = () => [...waiters].forEach((check) => check());
  // Each `clear` starts a generation; only the current one is listed and waited for.
  let generation = 0;
  const inFlight = new Map<number, number>();
  const count = (gen: number, by: number) => {
    const left = (inFlight.get(gen) ?? 0) + by;
    if (left === 0) inFlight.delete(gen);
    else inFlight.set(gen, left);
  };

  // A stop or DELETE that follows a stream of a cleared log belongs to that log.
  const generationOf = (method: string, pathname: string): number => {
    const step = stepOf(method, pathname);
    if (step === 'stop') {
      return followUps.stopArrived(pathname.slice(0, -STOP_SUFFIX.length)) ?? generation;
    }
    if (step === 'delete') return followUps.deleteArrived(pathname) ?? generation;
    return generation;
  };

  return {
    requests,
    track: (req, res) => {
      const method = req.method ?? '';
      const pathname = pathnameOf(req.url ?? '');
      const gen = generationOf(method, pathname);
      const arrivedAt = Date.now();
      const record: RecordedRequest = {
        method,
        path: req.url ?? '',
        headers: { ...req.headers },
        body: '',
        closedEarly: false,
        finished: false,
      };
      if (gen === generation) requests.push(record);
      count(gen, 1);
      let cut = false;
      res.once('close', () => {
        record.finished = true;
        record.closedEarly = !cut && !res.writableFinished;
        if (record.step === 'stream' && method === 'POST') {
          // An error status ends the exchange: the client sends no stop after it.
          const streamed = record.status === undefined || record.status < 300;
          followUps.streamClosed(pathname, gen, arrivedAt, record.closedEarly && streamed);
        }
        count(gen, -1);
        wake();
      });
      return { record, markCut: () => (cut = true), isCurrent: () => gen === generation };
    },
    busy: (task) => {
      const gen = generation;
      count(gen, 1);
      const release = () => {
        count(gen, -1);
        wake();
      };
      void task.then(release, release);
    },
    settled: (timeoutMs) =>
      new Promise<void>((resolve) => {
        let recheck: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(limit);
          clearTimeout(recheck);
          waiters.delete(check);
          resolve();
        };
        const check = () => {
          clearTimeout(recheck);
          const stopsUntil = followUps.stopsDueUntil(generation);
          if ((inFlight.get(generation) ?? 0) === 0 && stopsUntil === undefined) return done();
          // A due stop that never comes stops being waited for at its bound.
          if (stopsUntil !== undefined) {
            recheck = setTimeout(check, Math.max(0, stopsUntil - Date.now()) + 1);
            recheck.unref();
          }
        };
        const limit = setTimeout(done, timeoutMs);
        limit.unref();
        waiters.add(check);
        check();
      }),
    clear: () => {
      requests.length = 0;
      generation += 1;
      wake();
    },
  };
};
