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
