/**
 * `setTimeout` for work nobody waits on (a background request's cap, a lingering body): the
 * timer does not keep a Node process alive (browsers have no unref).
 */
export const unrefTimer = (ms: number, run: () => void): ReturnType<typeof setTimeout> => {
  const timer = setTimeout(run, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
};
