/**
 * How long after a stream closes its fire-and-forget follow-up is looked for: the client sends
 * stop-generating 50 ms after its abort (the DELETE at once), and abandons either after 2 s;
 * the rest is room for a loaded machine.
 */
export const FOLLOW_UP_MS = 2500;

/** A stream whose follow-up (stop-generating, the `deleteAfter` DELETE) may still arrive. */
interface ClosedStream {
  /** `/conversation/<id>`: the DELETE's path, and the stop's without `/stop-generating`. */
  readonly path: string;
  /** The log (see `reset()`) the stream belonged to. */
  readonly generation: number;
  /** The client closed it early: its stop-generating will follow. */
  stopDue: boolean;
  readonly until: number;
}

/** A stop that arrived before the server saw its stream's socket close. */
interface EarlyStop {
  readonly path: string;
  readonly arrivedAt: number;
}

/** Streams that closed lately, and what the client is still to send for them. */
export interface FollowUps {
  /** A stream request closed; `early` when the client closed it before the answer ended. */
  streamClosed(path: string, generation: number, arrivedAt: number, early: boolean): void;
  /**
   * A stop-generating for the stream at `path` arrived: the generation of the stream it
   * answers (its stop then due no longer), or undefined for none known.
   */
  stopArrived(path: string): number | undefined;
  /** A DELETE of `path` arrived: the generation of the stream it follows, if one closed lately. */
  deleteArrived(path: string): number | undefined;
  /** The earliest time a stop of `generation` is still due until, or undefined for none. */
  stopsDueUntil(generation: number): number | undefined;
}

/**
 * Creates an empty {@link FollowUps}. The client sends stop-generating exactly when it closes
 * a stream request early (an unsubscribe, its own cut of a bad stream), so the emulator knows
 * it is coming; it cannot tell that a DELETE will follow (nothing the client sends says
 * `deleteAfter`), only whose it is once it comes.
 */
export const createFollowUps = (now: () => number = Date.now): FollowUps => {
  let closed: ClosedStream[] = [];
  let earlyStops: EarlyStop[] = [];
  const prune = () => {
    const t = now();
    closed = closed.filter((c) => c.until > t);
    earlyStops = earlyStops.filter((s) => s.arrivedAt + FOLLOW_UP_MS > t);
  };
  return {
    streamClosed: (path, generation, arrivedAt, early) => {
      prune();
      // Two sockets race: the stop may be read before the stream's close is.
      const index = early
        ? earlyStops.findIndex((s) => s.path === path && s.arrivedAt >= arrivedAt)
        : -1;
      if (index >= 0) earlyStops.splice(index, 1);
      closed.push({ path, generation, stopDue: early && index < 0, until: now() + FOLLOW_UP_MS });
    },
    stopArrived: (path) => {
      prune();
      const due = closed.find((c) => c.stopDue && c.path === path);
      if (due) {
        due.stopDue = false;
        return due.generation;
      }
      earlyStops.push({ path, arrivedAt: now() });
      return undefined;
    },
    deleteArrived: (path) => {
      prune();
      return [...closed].reverse().find((c) => c.path === path)?.generation;
    },
    stopsDueUntil: (generation) => {
      prune();
      const due = closed.filter((c) => c.stopDue && c.generation === generation);
      return due.length === 0 ? undefined : Math.min(...due.map((c) => c.until));
    },
  };
};
