import { Observable, Subscriber } from 'rxjs';
import { H2oError, H2oNetworkError, H2oStep } from '../errors';
import { BodyReader, readBody, readText } from './body';
import { controllerFor } from './controllers';
import { httpError, maxErrorBody } from './http-error';
import { insecureCookieError } from './insecure-cookie';
import type { Transport } from './transport';
import { mergeHeaders } from './merge-headers';
import { unrefTimer } from '../unref-timer';

export type { Transport } from './transport';

/** A response whose status was accepted, with the time it took to get its headers. */
export interface Received {
  readonly response: Response;
  readonly body: BodyReader;
  /** Request start → response headers, in ms. */
  readonly ms: number;
  readonly url: string;
}

/** What a step's request carries; all of it, and nothing else, goes to the fetch. */
export interface RequestParts {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** `'manual'` where a step reads the redirect itself. */
  readonly redirect?: RequestRedirect;
}

/** One request of a step. */
export interface ExchangeSpec<T> {
  readonly step: H2oStep;
  readonly path: string;
  readonly init: RequestParts;
  /** Statuses that are not errors (default: 2xx). */
  readonly accept?: (status: number, response: Response) => boolean;
  /** Reads the answer and emits into `out`; the exchange completes when it resolves. */
  readonly consume: (received: Received, out: Subscriber<T>) => Promise<void> | void;
  /**
   * Asked when the subscriber leaves before the body ended: true lets the body end by itself
   * (for up to {@link lingerMs}) instead of aborting — once the answer is complete, the server
   * then sees a normal end and the connection goes back to the pool.
   */
  readonly linger?: () => boolean;
}

/** How long a lingering body may take to end before it is aborted after all. */
export const lingerMs = 1000;

const isOk = (status: number) => status >= 200 && status < 300;

// Only the fetch and the body's reads are the connection (they throw H2oNetworkError): what
// else throws is a bug, and trying again would not help.
const internalError = (step: H2oStep, err: unknown) =>
  new H2oError(step, `${step}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });

/**
 * One HTTP request as a cold Observable: fetch on subscribe, abort on unsubscribe (the body
 * reader is cancelled too, so the server sees the socket close), status checked into
 * {@link H2oHttpError}, failures of the connection into {@link H2oNetworkError}; anything
 * else thrown is an {@link H2oError} that is not retryable.
 */
export const exchange$ = <T>(transport: Transport, spec: ExchangeSpec<T>): Observable<T> =>
  new Observable<T>((out) => {
    const abort = controllerFor(transport);
    const url = transport.baseUrl + spec.path;
    const started = performance.now();
    let body: BodyReader | undefined;
    let finished = false;

    const run = async () => {
      const { method, headers, body: sent, redirect } = spec.init;
      // Written out field by field: spreading the init objects of every step's shape takes
      // V8's slowest copy, once per request.
      const init: RequestInit = {
        method,
        headers: mergeHeaders(transport.headers, headers),
        body: sent,
        redirect,
        signal: abort.signal,
      };
      const response = await transport.fetch(url, init).catch((err: unknown) => {
        throw new H2oNetworkError(spec.step, err);
      });
      const ms = performance.now() - started;
      body = readBody(response.body, spec.step);
      if (!(spec.accept ?? isOk)(response.status, response)) {
        throw httpError(spec.step, response, url, await readText(body, maxErrorBody));
      }
      // On an accepted answer only: an error status says more than its cookie.
      const insecure = insecureCookieError(spec.step, transport, response);
      if (insecure) throw insecure;
      await spec.consume({ response, body, ms, url }, out);
    };

    const stop = () => {
      finished = true;
      abort.abort();
      body?.cancel();
    };

    const settled = run().then(
      () => {
        finished = true;
        out.complete();
      },
      (err: unknown) => {
        // A failed exchange may have left the server writing (a malformed or over-long line):
        // abort so that its socket closes rather than lingering until the server ends.
        stop();
        // An abort we asked for is not an error: the subscriber has gone.
        if (out.closed) return;
        out.error(err instanceof H2oError ? err : internalError(spec.step, err));
      },
    );

    return () => {
      if (finished) return;
      if (!spec.linger?.()) return stop();
      // Nothing left on the network: the rest is read from memory, no timer needed.
      if (body?.arrived()) return;
      // Nothing waits on a lingering body: it must not keep the process alive.
      const timer = unrefTimer(lingerMs, stop);
      void settled.finally(() => clearTimeout(timer));
    };
  });
