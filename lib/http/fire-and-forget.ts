import type { H2oStep } from '../errors';
import { unrefTimer } from '../unref-timer';
import { drainBody } from './body';
import { exchange$, type RequestParts } from './request';
import type { Transport } from './transport';

/** How long a fire-and-forget request may take before it is abandoned. */
export const fireAndForgetMs = 2000;

/** A request nobody waits for: its step (for its errors, which are dropped), path and init. */
export interface ForgottenRequest {
  readonly step: H2oStep;
  readonly path: string;
  readonly init: RequestParts;
  /** Wait this long before sending it (default 0). */
  readonly delayMs?: number;
}

// Requests sent or waiting to be sent, each until it settles or is abandoned.
const inFlight = new Set<Promise<void>>();

/**
 * Resolves once every fire-and-forget request now in flight (or waiting for its delay) has
 * settled or been abandoned: at most {@link fireAndForgetMs} after its delay. For a process
 * about to exit on purpose (the CLI), whose unref'd timers would not keep it alive for them.
 */
export const fireAndForgetSettled = async (): Promise<void> => {
  // A pending promise holds no process open: this (ref'd) timer does, for the bounded wait.
  const keepAlive = setInterval(() => undefined, fireAndForgetMs);
  try {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  } finally {
    clearInterval(keepAlive);
  }
};

/**
 * Sends a request in the background (stop-generating, the `deleteAfter` DELETE): the caller's
 * subscriber neither waits for it nor sees it fail, and it is abandoned (aborted) after
 * {@link fireAndForgetMs}, so a server that never answers holds nothing. Its timers are
 * unref'd.
 */
export const fireAndForget = (transport: Transport, request: ForgottenRequest): void => {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  inFlight.add(done);
  const send = () => {
    const end = () => {
      clearTimeout(giveUp);
      inFlight.delete(done);
      settle();
    };
    const sending = exchange$<never>(transport, {
      step: request.step,
      path: request.path,
      init: request.init,
      consume: ({ body }) => drainBody(body),
    }).subscribe({ error: end, complete: end });
    const giveUp = unrefTimer(fireAndForgetMs, () => {
      sending.unsubscribe();
      end();
    });
  };
  if (request.delayMs) unrefTimer(request.delayMs, send);
  else send();
};
