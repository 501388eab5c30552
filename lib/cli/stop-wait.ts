import { channel } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { HandshakeStep } from '../index';

/**
 * Whether a cancel after this step sends stop-generating: once the stream has started, and
 * while a dropped stream re-attaches (dialect chat-ui). A retried attempt starts its steps
 * again, so only the latest step counts.
 */
export const stopsAfter = (step: HandshakeStep): boolean => step === 'stream' || step === 'resume';

/** The longest a cancelled answer waits for its stop-generating request (API.md §7). */
export const stopWaitMs = 2_000;

const stopPath = /\/stop-generating(\?|$)/;

/**
 * Watches Node's HTTP client for `…/stop-generating` requests, so that a cancel can wait for
 * the library's fire-and-forget stop to be answered. The library offers no handle on that
 * request, and may unref it so that it never holds a process open: the command, which must
 * not exit before the server heard the stop, watches the requests themselves through the
 * public `http.client.request.start` diagnostics channel instead.
 */
export const watchStopRequests = () => {
  const open = new Set<ClientRequest>();
  let started = 0;
  let changed = () => {};
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (!stopPath.test(request.path)) return;
    started++;
    open.add(request);
    changed();
    request.once('close', () => {
      open.delete(request);
      changed();
    });
  };
  const start = channel('http.client.request.start');
  start.subscribe(onStart);
  return {
    /**
     * Resolves once a stop request begun after this call has ended (answered or failed), or
     * after `ms`. The cap is a ref'd timer: it keeps the process alive while it waits.
     */
    settled(ms = stopWaitMs): Promise<void> {
      const before = started;
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(cap);
          changed = () => {};
          resolve();
        };
        const cap = setTimeout(done, ms);
        changed = () => {
          if (started > before && open.size === 0) done();
        };
      });
    },
    /** Stops watching. */
    close() {
      start.unsubscribe(onStart);
    },
  };
};
