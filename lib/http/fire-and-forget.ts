import { Subscription } from 'rxjs';
import type { H2oStep } from '../errors';
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
}

// Requests sent or waiting to be sent, each until it settles or is abandoned.
const inFlight = new Set<Promise<void>>();

/**
 * Resolves once every fire-and-forget request now in flight has settled or been abandoned: at
 * most {@link fireAndForgetMs} after it was sent. For a process about to exit on purpose (the
 * CLI), and for a conversation's next turn after a stop.
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
 * Sends a request in the background (stop-generating, the `deleteAfter` DELETE) at once: the
 * caller's subscriber neither waits for it nor sees it fail, and it is abandoned (aborted) after
 * {@link fireAndForgetMs}, so a server that never answers holds nothing for longer. Until it
 * settles, its timer keeps a Node process alive: a script that took two tokens and has nothing
 * left to do must not exit before its stop has reached the server (or 2 s have passed).
 */
export const fireAndForget = (transport: Transport, request: ForgottenRequest): void => {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  inFlight.add(done);
  const sending = new Subscription();
  const end = () => {
    clearTimeout(giveUp);
    // Abandoned, or over: either way nothing more of it is read.
    sending.unsubscribe();
    inFlight.delete(done);
    settle();
  };
  // Ref'd: it holds the process until the request settles, at most this long.
  const giveUp = setTimeout(end, fireAndForgetMs);
  sending.add(
    exchange$<never>(transport, {
      step: request.step,
      path: request.path,
      init: request.init,
      consume: ({ body }) => drainBody(body),
    }).subscribe({ error: end, complete: end }),
  );
};
