// A page that streams an answer into the DOM, with a Stop button. Bundled by build.mjs with
// esbuild against the package's browser build (the page's fetch, its cookie store), and served
// same-origin by the emulator: `npm run example:browser`.
import { type Subscription, timeout } from 'rxjs';
import { completionEvents$, H2oError, h2oRetry } from '../../lib';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('ask');
const prompt = byId<HTMLInputElement>('prompt');
const send = byId<HTMLButtonElement>('send');
const stop = byId<HTMLButtonElement>('stop');
const steps = byId<HTMLDivElement>('steps');
const answer = byId<HTMLDivElement>('answer');
const status = byId<HTMLDivElement>('status');

let running: Subscription | undefined;

const setStatus = (
  state: 'idle' | 'running' | 'done' | 'stopped' | 'error',
  text: string = state,
) => {
  status.dataset.state = state;
  status.textContent = text;
  send.disabled = state === 'running';
  stop.disabled = state !== 'running';
};

form.addEventListener('submit', (event) => {
  event.preventDefault();
  running?.unsubscribe();
  answer.textContent = '';
  steps.textContent = '';
  setStatus('running', 'streaming…');
  running = completionEvents$('falcon-40b', [{ role: 'user', content: prompt.value }], {
    // Same origin: the page's own cookies ride along (`credentials: 'include'`).
    baseUrl: location.origin,
  })
    .pipe(timeout({ first: 30_000, each: 10_000 }), h2oRetry({ count: 2 }))
    .subscribe({
      next: (event) => {
        if (event.type === 'step') {
          steps.textContent += `${steps.textContent ? ' · ' : ''}${event.step} ✓ ${Math.round(event.ms)} ms`;
        } else if (event.type === 'token') {
          answer.append(event.text);
        }
      },
      error: (err: unknown) => {
        const message =
          err instanceof H2oError ? `${err.name} (${err.step}): ${err.message}` : String(err);
        setStatus('error', message);
      },
      complete: () => setStatus('done'),
    });
});

// Unsubscribing aborts the request in flight and tells the server to stop generating.
stop.addEventListener('click', () => {
  running?.unsubscribe();
  running = undefined;
  setStatus('stopped');
});
