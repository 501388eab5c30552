import type { CompletionEvent } from '../index';

/** Handshake progress on a terminal: `session ✓ 12 ms · settings ✓ 3 ms · … · streaming…`. */
export const progressLine = (err: NodeJS.WriteStream, enabled: boolean) => {
  const color = enabled && err.hasColors?.() === true && !('NO_COLOR' in process.env);
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const started = performance.now();
  let open = false;
  return {
    step(event: CompletionEvent) {
      if (!enabled || event.type !== 'step') return;
      const separator = open ? paint(2, ' · ') : '';
      const text =
        event.step === 'stream'
          ? `${paint(2, 'streaming…')}\n`
          : `${event.step} ${paint(32, '✓')} ${paint(2, `${Math.round(event.ms)} ms`)}`;
      err.write(separator + text);
      open = event.step !== 'stream';
    },
    done(tokens: number) {
      if (!enabled) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      err.write(`${paint(32, '✓')} ${paint(2, `${tokens} tokens · ${seconds} s`)}\n`);
    },
    /** Ends a half-written progress line before an error message. */
    close() {
      if (open) err.write('\n');
      open = false;
    },
  };
};
