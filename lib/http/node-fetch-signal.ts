import type { Aborter } from './controllers';

// node-fetch v2 takes any signal whose class is named AbortSignal (it checks the name, so that
// polyfills pass) and uses only `aborted` and add/removeEventListener('abort'): one listener
// per request, removed at the response's end. That is all this signal is.
class Signal {
  aborted = false;
  readonly listeners: (() => void)[] = [];
  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners.push(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at !== -1) this.listeners.splice(at, 1);
  }
}
// A bundler may rename the class; node-fetch reads the name.
Object.defineProperty(Signal, 'name', { value: 'AbortSignal' });

/**
 * Whether a fetch's `Request` class takes the light signal: node-fetch v2's does (it reads
 * the class's name); another might check otherwise, and then throws.
 */
export const takesLightSignal = (
  request: (new (url: string, init: { signal: AbortSignal }) => unknown) | undefined,
): boolean => {
  if (typeof request !== 'function') return false;
  try {
    new request('http://127.0.0.1/', { signal: nodeFetchController().signal });
    return true;
  } catch {
    return false;
  }
};

/** A controller whose signal node-fetch v2 (cross-fetch in Node) accepts. */
export const nodeFetchController = (): Aborter => {
  const signal = new Signal();
  return {
    signal: signal as unknown as AbortSignal,
    abort: () => {
      if (signal.aborted) return;
      signal.aborted = true;
      for (const listener of signal.listeners.slice()) listener();
    },
  };
};
