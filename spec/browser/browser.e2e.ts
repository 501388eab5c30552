// examples/browser in headless Chromium: the page is served same-origin by the emulator's
// `static` option, streams an answer into the DOM, and its Stop button cancels for real.
// Run with `npm run test:browser` (builds the package and the page first).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../lib/testing';
import { launchChromium, screenshotPath, waitFor, type Chromium, recordAnswer } from './chromium';

const page = join(__dirname, '../../examples/browser/dist');
const words = Array.from({ length: 40 }, (_, i) => `word${i + 1}`);
const tokens = words.map((w, i) => (i === 0 ? w : ` ${w}`));

let emu: Emulator;
let chrome: Chromium;
let seen: () => Promise<string[]>;

beforeAll(async () => {
  if (!existsSync(join(page, 'main.js')))
    throw new Error('run node examples/browser/build.mjs first');
  chrome = await launchChromium();
}, 30_000);

afterAll(async () => {
  await chrome?.close();
});

afterEach(async () => {
  await emu?.close();
});

const open = async (tokenDelayMs: number) => {
  emu = await startEmulator({ static: page, tokenDelayMs, reply: () => tokens });
  await chrome.page.goto(`${emu.url}/`);
  seen = await recordAnswer(chrome.page);
};

const statusOf = () => chrome.page.locator('#status').getAttribute('data-state');

test('tokens stream into the DOM in order', async () => {
  await open(15);
  await chrome.page.click('#send');
  await chrome.page.waitForSelector('#status[data-state="done"]', { timeout: 15_000 });

  const full = tokens.join('');
  expect(await chrome.page.locator('#answer').textContent()).toBe(full);
  const snapshots = (await seen()).filter((s) => s !== '');
  // One DOM update per token, each extending the previous text by exactly that token.
  expect(snapshots).toEqual(tokens.map((_, i) => tokens.slice(0, i + 1).join('')));
  expect(await chrome.page.locator('#steps').textContent()).toMatch(
    /^session ✓ \d+ ms · settings ✓ \d+ ms · conversation ✓ \d+ ms · stream ✓ \d+ ms$/,
  );

  // The page's own fetch, with the page's cookie store: the session cookie the page load got
  // rides on every request of the handshake.
  const api = emu.requests.filter((r) => r.step && r.step !== 'session');
  expect(api.map((r) => r.step)).toEqual(['settings', 'conversation', 'stream']);
  for (const r of api) expect(r.headers.cookie).toMatch(/hf-chat=/);
  expect(emu.requests.find((r) => r.step === 'stream')?.closedEarly).toBe(false);
  expect(chrome.problems).toEqual([]);
  await chrome.page.screenshot({ path: screenshotPath('browser', 'streamed.png') });
}, 30_000);

test('Stop unsubscribes: the stream socket closes and stop-generating is sent', async () => {
  await open(80);
  await chrome.page.click('#send');
  await chrome.page.waitForFunction(() =>
    (document.getElementById('answer')?.textContent ?? '').includes('word5'),
  );
  await chrome.page.click('#stop');
  const shown = await chrome.page.locator('#answer').textContent();
  expect(await statusOf()).toBe('stopped');

  const stream = () => emu.requests.find((r) => r.step === 'stream');
  await waitFor(() => stream()?.finished === true, 'the stream connection to close');
  expect(stream()?.closedEarly).toBe(true);
  await waitFor(() => emu.requests.some((r) => r.step === 'stop'), 'POST stop-generating');
  const stop = emu.requests.find((r) => r.step === 'stop')!;
  expect(stop.method).toBe('POST');
  expect(stop.path).toMatch(/^\/conversation\/[0-9a-f]{24}\/stop-generating$/);

  // Nothing more arrives after Stop.
  // An absence in the page: nothing else can prove it, so a bounded wait (the stream has
  // closed, so only tokens already in the page's hands could still show).
  await new Promise((r) => setTimeout(r, 400));
  expect(await chrome.page.locator('#answer').textContent()).toBe(shown);
  expect(shown!.length).toBeLessThan(tokens.join('').length);
  expect(chrome.problems).toEqual([]);
  await chrome.page.screenshot({ path: screenshotPath('browser', 'stopped.png') });
}, 30_000);
