// examples/angular (a standalone Angular 21 app: ChatService around completion$, a signal
// component, Stop, timeout + h2oRetry) built by the Angular CLI, served same-origin by the
// emulator's `static` option, and driven in headless Chromium. Run with `npm run test:angular`
// (builds the package, installs and builds the app first).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../lib/testing';
import { launchChromium, screenshotPath, waitFor, type Chromium, recordAnswer } from './chromium';

const app = join(__dirname, '../../examples/angular/dist/h2o-chat/browser');
const text =
  'RxJS models an answer as a stream: each token arrives as a value, the end token completes ' +
  'it, and unsubscribing cancels the request.';
const tokens = text.match(/\s*\S+/g)!;

let emu: Emulator;
let chrome: Chromium;
let seen: () => Promise<string[]>;

beforeAll(async () => {
  if (!existsSync(join(app, 'index.html'))) throw new Error('build examples/angular first');
  chrome = await launchChromium();
}, 30_000);

afterAll(async () => {
  await chrome?.close();
});

afterEach(async () => {
  await emu?.close();
});

const open = async (tokenDelayMs: number) => {
  emu = await startEmulator({ static: app, tokenDelayMs, reply: () => tokens });
  await chrome.page.goto(`${emu.url}/`);
  await chrome.page.waitForSelector('#status[data-state="idle"]');
  seen = await recordAnswer(chrome.page);
};

const answer = () => chrome.page.locator('#answer').textContent();

test('the component renders the answer as it streams, in order', async () => {
  await open(25);
  await chrome.page.click('#send');
  await chrome.page.waitForSelector('#status[data-state="done"]', { timeout: 15_000 });

  expect(await answer()).toBe(text);
  const snapshots = (await seen()).filter((s) => s !== '');
  // Each render extends the previous one; with 25 ms between tokens, most tokens get their own.
  for (let i = 1; i < snapshots.length; i++) {
    expect(snapshots[i].startsWith(snapshots[i - 1])).toBe(true);
    expect(snapshots[i].length).toBeGreaterThan(snapshots[i - 1].length);
  }
  expect(snapshots.at(-1)).toBe(text);
  expect(snapshots.length).toBeGreaterThan(tokens.length / 2);
  expect(emu.requests.filter((r) => r.step && r.step !== 'session').map((r) => r.step)).toEqual([
    'settings',
    'conversation',
    'stream',
  ]);
  expect(chrome.problems).toEqual([]);
  await chrome.page.screenshot({ path: screenshotPath('angular', 'streamed.png') });
}, 30_000);

test('Stop unsubscribes: the stream socket closes and stop-generating is sent', async () => {
  await open(80);
  await chrome.page.click('#send');
  await chrome.page.waitForFunction(
    () => (document.getElementById('answer')?.textContent ?? '').split(' ').length >= 5,
  );
  await chrome.page.click('#stop');
  await chrome.page.waitForSelector('#status[data-state="stopped"]');
  const shown = await answer();

  const stream = () => emu.requests.find((r) => r.step === 'stream');
  await waitFor(() => stream()?.finished === true, 'the stream connection to close');
  expect(stream()?.closedEarly).toBe(true);
  await waitFor(() => emu.requests.some((r) => r.step === 'stop'), 'POST stop-generating');
  expect(emu.requests.find((r) => r.step === 'stop')?.method).toBe('POST');

  // An absence in the page: nothing else can prove it, so a bounded wait (the stream has
  // closed, so only tokens already in the page's hands could still show).
  await new Promise((r) => setTimeout(r, 400));
  expect(await answer()).toBe(shown);
  expect(shown!.length).toBeLessThan(text.length);
  expect(await chrome.page.locator('#send').isEnabled()).toBe(true);
  expect(chrome.problems).toEqual([]);
  await chrome.page.screenshot({ path: screenshotPath('angular', 'stopped.png') });
}, 30_000);

test('h2oRetry in the service recovers from a 503 before the first token', async () => {
  await open(5);
  emu.inject({ step: 'conversation', status: 503 });
  await chrome.page.click('#send');
  await chrome.page.waitForSelector('#status[data-state="done"]', { timeout: 15_000 });
  expect(await answer()).toBe(text);
  const steps = emu.requests.filter((r) => r.step === 'conversation').map((r) => r.status);
  expect(steps).toEqual([503, 200]);
  // Failed page resources would be console errors; the 503 is the library's own fetch.
  expect(chrome.problems.filter((p) => !p.includes('503'))).toEqual([]);
}, 30_000);

test('a failure that is not retryable is shown as an H2oError', async () => {
  await open(5);
  emu.inject({ step: 'stream', kind: 'error-event', afterTokens: 2 });
  await chrome.page.click('#send');
  await chrome.page.waitForSelector('#status[data-state="error"]', { timeout: 15_000 });
  expect(await chrome.page.locator('#status').textContent()).toMatch(
    /H2oProtocolError \(stream\):/,
  );
  expect(emu.requests.filter((r) => r.step === 'stream')).toHaveLength(1);
}, 30_000);
