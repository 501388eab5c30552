/** Sleeps that `stopAll` ends at once, so a closed emulator leaves no timer behind. */
export interface Timers {
  /** Resolves after `ms` milliseconds, or at once once `stopAll` was called. */
  sleep(ms: number): Promise<void>;
  /** Clear every pending sleep (resolving it) and make later sleeps resolve at once. */
  stopAll(): void;
}

/** Creates a {@link Timers}. */
export const createTimers = (): Timers => {
  const pending = new Map<NodeJS.Timeout, () => void>();
  let stopped = false;
  return {
    sleep: (ms) =>
      stopped
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              pending.delete(timer);
              resolve();
            }, ms);
            pending.set(timer, resolve);
          }),
    stopAll: () => {
      stopped = true;
      for (const [timer, resolve] of pending) {
        clearTimeout(timer);
        resolve();
      }
      pending.clear();
    },
  };
};
