/** The part of the pipeline an error came from (`models`: `listModels$`'s own request). */
export type H2oStep = 'input' | 'session' | 'settings' | 'conversation' | 'stream' | 'models';

/** Why a response broke the protocol; see {@link H2oProtocolError}. */
export type H2oProtocolReason =
  | 'truncated'
  | 'malformed'
  | 'server-error'
  | 'unexpected-response'
  | 'line-too-long'
  | 'insecure-cookie';

// A brand that survives the dual-package hazard: the ESM and CJS builds each define their own
// classes, so `instanceof` checks the brand (a global symbol) rather than the prototype chain.
const brand = Symbol.for('h2o-rx.error-kinds');
type Branded = { [brand]?: readonly string[] };
type ErrorKind = { kind?: string };

const hasKind = (value: unknown, kind: string): boolean =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as Branded)[brand]) &&
  ((value as Branded)[brand] as readonly string[]).includes(kind);

/**
 * Base class of every error h2o-rx emits; `step` says where it happened.
 *
 * @example
 * completion$('falcon-40b', messages, { baseUrl }).subscribe({
 *   error: (err) => err instanceof H2oError && console.error(`${err.name} at ${err.step}`),
 * });
 */
export class H2oError extends Error {
  /** The step that failed. */
  readonly step: H2oStep;

  constructor(step: H2oStep, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.step = step;
    const kinds: string[] = [];
    for (let c = new.target as unknown as ErrorKind; c?.kind; c = Object.getPrototypeOf(c)) {
      kinds.push(c.kind);
    }
    this.name = kinds[0];
    Object.defineProperty(this, brand, { value: kinds, enumerable: false });
  }

  /** A stable name for the class that minifiers cannot mangle. */
  static readonly kind: string = 'H2oError';

  /** `instanceof` by brand, so that errors from the other build (ESM or CJS) match too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, (this as unknown as ErrorKind).kind ?? '');
  }
}

/**
 * Bad model, messages or options, refused before any request is made.
 *
 * @example
 * completion$('falcon-40b', []).subscribe({
 *   error: (err) => err instanceof H2oInputError && console.error(err.message), // messages must be a non-empty array
 * });
 */
export class H2oInputError extends H2oError {
  static override readonly kind: string = 'H2oInputError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

/**
 * The server answered with a non-2xx status.
 *
 * @example
 * catchError((err) => {
 *   if (err instanceof H2oHttpError && err.status === 429) return of(`busy: ${err.retryAfterMs} ms`);
 *   throw err;
 * });
 */
export class H2oHttpError extends H2oError {
  static override readonly kind: string = 'H2oHttpError';

  /** The HTTP status. */
  readonly status: number;
  /** The URL requested. */
  readonly url: string;
  /** The response body's first 2,048 characters. */
  readonly body: string;
  /** How long the server asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    step: H2oStep,
    fields: { status: number; url: string; body: string; retryAfterMs?: number },
    message: string,
  ) {
    super(step, message);
    this.status = fields.status;
    this.url = fields.url;
    this.body = fields.body;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }
}

/**
 * A response that breaks the protocol: see `reason` and `detail`.
 *
 * @example
 * catchError((err) => {
 *   if (err instanceof H2oProtocolError && err.reason === 'server-error') {
 *     return of(`the model failed: ${err.errorType ?? err.detail}`);
 *   }
 *   throw err;
 * });
 */
export class H2oProtocolError extends H2oError {
  static override readonly kind: string = 'H2oProtocolError';

  /** What went wrong, as a stable code. */
  readonly reason: H2oProtocolReason;
  /** More about it: the offending line, the server's message, … */
  readonly detail: string;
  /** TGI's `error_type` (or chat-ui's status code) for `reason: 'server-error'`. */
  readonly errorType?: string;

  /**
   * @param options.message - the whole message (default `step: reason: detail`).
   * @param options.errorType - see {@link H2oProtocolError.errorType}.
   */
  constructor(
    step: H2oStep,
    reason: H2oProtocolReason,
    detail: string,
    options: { message?: string; errorType?: string } = {},
  ) {
    super(step, options.message ?? `${step}: ${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
    if (options.errorType !== undefined) this.errorType = options.errorType;
  }
}

/**
 * The connection failed, or was reset mid-body; `cause` holds the underlying error.
 *
 * @example
 * catchError((err) => {
 *   if (err instanceof H2oNetworkError) return of(`offline? ${String(err.cause)}`);
 *   throw err;
 * });
 */
export class H2oNetworkError extends H2oError {
  static override readonly kind: string = 'H2oNetworkError';

  constructor(step: H2oStep, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(step, `${step}: network error: ${why}`, { cause });
  }
}
