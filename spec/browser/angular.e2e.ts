// examples/angular: a standalone Angular 21 chat on h2o-rx/angular (provideH2o, injectH2oChat's
// signals: reasoning and tool calls shown apart from the answer, Stop, Regenerate, New chat,
// errors shown), built by the Angular
// CLI against the package's browser build, served same-origin by the emulator's `static`
// option and driven in headless Chromium. Each test checks the page and the requests the
// emulator saw, and saves a screenshot to examples/angular/screenshots/. Run with
// `npm run test:angular` (builds the package, installs and builds the app first).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type RecordedRequest,
} from '../../lib/testing';
import { chatUiData, since } from '../conversation/support';
import { launchChromium, screenshotPath, waitFor, type Chromium } from './chromium';

// Chromium and the page do their work on a machine loaded by other test runs.
jest.setTimeout(90_000);

const app = join(__dirname, '../../examples/angular/dist/h2o-chat/browser');
const long = Array.from({ length: 300 }, (_, i) => ` w${i}`);

let emu: Emulator | undefined;
let chrome: Chromium;

beforeAll(async () => {
  if (!existsSync(join(app, 'index.html'))) throw new Error('build examples/angular first');
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
});

afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

// The question being answered: dialect h2o gives the whole history in the model's turns.
const lastQuestion = (prompt: string) =>
  /<\|prompt\|>((?:(?!<\|prompt\|>).)*)<\|endoftext\|><\|answer\|>$/s.exec(prompt)?.[1] ?? prompt;

/**
 * Serves the app from an emulator whose answers are numbered ("answer 3 to Hi", a token a
 * word), and long for a question saying "long"; opens the page and records the last answer's
 * text after every change of the page.
 */
const open = async (options: {
  tokenDelayMs: number;
  dialect?: 'h2o' | 'chat-ui';
  model?: string;
  chatUi?: EmulatorOptions['chatUi'];
}) => {
  let answers = 0;
  emu = await startEmulator({
    static: app,
    tokenDelayMs: options.tokenDelayMs,
    dialect: options.dialect,
    chatUi: options.chatUi,
    reply: (prompt) => {
      const question = lastQuestion(prompt);
      answers++;
      return question.includes('long') ? long : `answer ${answers} to ${question}`.split(/(?= )/);
    },
  });
  chrome.problems.length = 0;
  const query =
    options.dialect === 'chat-ui' ? `?dialect=chat-ui&model=${options.model ?? 'llama3'}` : '';
  await chrome.page.goto(`${emu.url}/${query}`);
  await chrome.page.waitForSelector('#status[data-state="idle"]');
  await chrome.page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const turns = document.getElementById('turns')!;
    new MutationObserver(() => {
      const answers = turns.querySelectorAll('.answer');
      seen.push(answers[answers.length - 1]?.textContent ?? '');
    }).observe(turns, { childList: true, characterData: true, subtree: true });
  });
  return emu;
};

/** The last answer's text after each change since `from` (distinct, in order). */
const snapshots = async (from = 0) => {
  const seen = await chrome.page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  return seen.slice(from).filter((text, i, all) => text !== '' && text !== all[i - 1]);
};
const seenCount = () =>
  chrome.page.evaluate(() => (window as unknown as { seen: string[] }).seen.length);

/** Asks `question` and waits for the turn to end as `ends` (done by default). */
const ask = async (question: string, ends = 'done') => {
  const turns = await chrome.page.locator('.turn').count();
  await chrome.page.fill('#question', question);
  await chrome.page.click('#send');
  await chrome.page.waitForSelector(`.turn:nth-child(${turns + 1})`);
  if (ends !== 'streaming') {
    await chrome.page.waitForSelector(`#status[data-state="${ends}"]`, { timeout: 60_000 });
  }
};

/** Resolves once the first answer on the page has `count` words. */
const wordsShown = (count: number) =>
  chrome.page.waitForFunction(
    (n) => (document.querySelector('.answer')?.textContent ?? '').split(' ').length >= n,
    count,
    { timeout: 60_000 },
  );

const page = {
  questions: () => chrome.page.locator('.question').allTextContents(),
  answers: () => chrome.page.locator('.answer').allTextContents(),
  lastAnswer: async () => (await page.answers()).at(-1) ?? '',
};

const streams = (e: Emulator) =>
  e.requests.filter((r) => r.method === 'POST' && /^\/conversation\/[0-9a-f]{24}$/.test(r.path));
const h2oBody = (r: RecordedRequest) =>
  JSON.parse(r.body) as { inputs: string; options: { id: string; is_retry: boolean } };
const conversationOf = (r: RecordedRequest) => r.path.split('/')[2];
const stopsOf = (e: Emulator) => e.requests.filter((r) => r.step === 'stop');
const shot = (name: string) =>
  chrome.page.screenshot({ path: screenshotPath('angular', name), fullPage: true });

test('a conversation: the answers stream in, the follow-up sends only the new question', async () => {
  const e = await open({ tokenDelayMs: 25 });
  await ask('What is RxJS?');
  const mark = await seenCount();
  await ask('And a Subject?');

  expect(await page.questions()).toEqual(['What is RxJS?', 'And a Subject?']);
  expect(await page.answers()).toEqual(['answer 1 to What is RxJS?', 'answer 2 to And a Subject?']);
  // The second answer grew token by token, each render extending the one before.
  const grew = await snapshots(mark);
  expect(grew.length).toBeGreaterThan(3);
  for (let i = 1; i < grew.length; i++) expect(grew[i].startsWith(grew[i - 1])).toBe(true);
  expect(grew.at(-1)).toBe('answer 2 to And a Subject?');

  // One handshake, one conversation, then one request per turn with the new question alone;
  // the server built the model's prompt from the history it keeps.
  expect(e.requests.filter((r) => r.step && r.step !== 'session').map((r) => r.step)).toEqual([
    'settings',
    'conversation',
    'stream',
    'stream',
  ]);
  const [first, second] = streams(e);
  expect(conversationOf(second)).toBe(conversationOf(first));
  expect(h2oBody(second).inputs).toBe('And a Subject?');
  expect(h2oBody(second).options.is_retry).toBe(false);
  expect(e.prompts[1].prompt).toBe(
    '<|prompt|>What is RxJS?<|endoftext|><|answer|>answer 1 to What is RxJS?<|endoftext|>' +
      '<|prompt|>And a Subject?<|endoftext|><|answer|>',
  );
  expect(chrome.problems).toEqual([]);
  await shot('conversation.png');
});

test('Stop unsubscribes mid-answer: stop-generating is sent, the partial answer stays and the next turn follows it', async () => {
  const e = await open({ tokenDelayMs: 60 });
  await ask('Tell me a long story', 'streaming');
  await wordsShown(5);
  expect(await chrome.page.locator('#stop').isEnabled()).toBe(true);
  await shot('streaming.png');
  await chrome.page.click('#stop');
  await chrome.page.waitForSelector('#status[data-state="stopped"]');
  const shown = await page.lastAnswer();

  await waitFor(() => stopsOf(e).length === 1, 'POST stop-generating', 30_000);
  expect(stopsOf(e)[0]).toMatchObject({
    method: 'POST',
    path: `/conversation/${conversationOf(streams(e)[0])}/stop-generating`,
  });
  await e.settled();
  expect(streams(e)[0].closedEarly).toBe(true);
  // Nothing more reached the page after the stop.
  expect(await page.lastAnswer()).toBe(shown);
  expect(shown).toMatch(/^ w0 w1 w2 w3/);
  expect(shown).not.toContain('w299');
  expect(await chrome.page.locator('.note').textContent()).toBe('Stopped.');
  await shot('stopped.png');

  // The server kept what was generated when it heard the stop: the next turn follows it.
  await ask('Shorter, please');
  expect(await page.lastAnswer()).toBe('answer 2 to Shorter, please');
  const history = e.prompts[1].prompt;
  expect(history.startsWith(`<|prompt|>Tell me a long story<|endoftext|><|answer|>${shown}`)).toBe(
    true,
  );
  expect(history.endsWith('<|prompt|>Shorter, please<|endoftext|><|answer|>')).toBe(true);
  expect(chrome.problems).toEqual([]);
});

test('Regenerate asks the server for a new answer to the last question, as its front end does', async () => {
  const e = await open({ tokenDelayMs: 10 });
  await ask('What is RxJS?');
  await chrome.page.click('#regenerate');
  await chrome.page.waitForSelector('#status[data-state="streaming"]');
  await chrome.page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });

  // One turn on the page, its answer replaced.
  expect(await page.questions()).toEqual(['What is RxJS?']);
  expect(await page.answers()).toEqual(['answer 2 to What is RxJS?']);
  // The same question and message id again, with is_retry: the server cuts the history there.
  const [asked, retried] = streams(e).map(h2oBody);
  expect(retried.inputs).toBe('What is RxJS?');
  expect(retried.options).toMatchObject({ id: asked.options.id, is_retry: true });
  expect(e.prompts[1].prompt).toBe(e.prompts[0].prompt);
  expect(chrome.problems).toEqual([]);
  await shot('regenerated.png');
});

test('New chat stops a running answer and starts another conversation on the next question', async () => {
  const e = await open({ tokenDelayMs: 40 });
  await ask('A long first chat', 'streaming');
  await wordsShown(3);
  await chrome.page.click('#new-chat');
  await chrome.page.waitForSelector('#status[data-state="idle"]');
  expect(await chrome.page.locator('.empty').count()).toBe(1);
  await waitFor(() => stopsOf(e).length === 1, 'POST stop-generating', 30_000);
  const conversations = () => e.requests.filter((r) => r.step === 'conversation').length;
  // Nothing is opened before the next question.
  expect(conversations()).toBe(1);

  await ask('Hello again');
  expect(await page.questions()).toEqual(['Hello again']);
  expect(await page.answers()).toEqual(['answer 2 to Hello again']);
  expect(conversations()).toBe(2);
  const [old, fresh] = streams(e);
  expect(conversationOf(fresh)).not.toBe(conversationOf(old));
  expect(e.prompts.at(-1)?.prompt).toBe('<|prompt|>Hello again<|endoftext|><|answer|>');
  expect(chrome.problems).toEqual([]);
  await shot('new-chat.png');
});

test('errors: a 503 is retried by h2oRetry, an error in the stream is shown, the chat goes on', async () => {
  const e = await open({ tokenDelayMs: 5 });
  e.inject({ step: 'conversation', status: 503 });
  await ask('What is RxJS?');
  expect(e.requests.filter((r) => r.step === 'conversation').map((r) => r.status)).toEqual([
    503, 200,
  ]);
  expect(await page.lastAnswer()).toBe('answer 1 to What is RxJS?');

  e.inject({ step: 'stream', kind: 'error-event', afterTokens: 2 });
  await ask('And a Subject?', 'error');
  expect(await chrome.page.locator('.error').textContent()).toMatch(
    /^H2oProtocolError: stream: the server failed \(generation\): /,
  );
  // Not retried: tokens had arrived (they would be seen twice).
  expect(streams(e)).toHaveLength(2);

  await ask('Still there?');
  expect(await page.questions()).toEqual(['What is RxJS?', 'And a Subject?', 'Still there?']);
  expect(
    await chrome.page.locator('.turn').evaluateAll((t) => t.map((e) => e.dataset['status'])),
  ).toEqual(['done', 'error', 'done']);
  expect(h2oBody(streams(e)[2]).inputs).toBe('Still there?');
  // The only console errors are the browser's own lines for the 503.
  expect(chrome.problems.filter((p) => !p.includes('503'))).toEqual([]);
  await shot('error.png');
});

test("dialect chat-ui: a re-streamed answer ends as the server's final text; the follow-up names it", async () => {
  const e = await open({ tokenDelayMs: 25, dialect: 'chat-ui' });
  // The server re-runs its backend after 3 tokens: they stream again from the start.
  e.inject({ step: 'stream', kind: 'rerun', afterTokens: 3 });
  await ask('Hello there');
  expect(await page.answers()).toEqual(['answer 1 to Hello there']);
  const texts = await snapshots();
  // What streamed showed the repeat for a while; h2oText ended on the final text.
  expect(texts.some((t) => t.startsWith('answer 1 toanswer'))).toBe(true);
  expect(texts.at(-1)).toBe('answer 1 to Hello there');

  await ask('And then?');
  expect(await page.answers()).toEqual(['answer 1 to Hello there', 'answer 2 to And then?']);
  const data = streams(e).map(chatUiData);
  expect(data.map((d) => d.inputs)).toEqual(['Hello there', 'And then?']);
  // The follow-up's parent is the first answer, not the root the first turn named.
  expect(data[1].id).not.toBe(data[0].id);
  // The first GET learns the first answer's id while it streams; the turn ends on a read that
  // shows it stored (a second GET when the first came before the save); then the follow-up.
  const seen = since(e, 0).filter((r) => r.includes('conversation'));
  expect(seen.slice(0, 3)).toEqual([
    'POST /conversation',
    'POST /conversation/:id',
    'GET /api/v2/conversations/:id',
  ]);
  const followUp = seen.indexOf('POST /conversation/:id', 3);
  expect(followUp).toBeGreaterThan(2);
  expect(new Set(seen.slice(3, followUp))).toEqual(
    new Set(followUp > 3 ? ['GET /api/v2/conversations/:id'] : []),
  );
  expect(chrome.problems).toEqual([]);
  await shot('chat-ui.png');
});

test('a reasoning turn: the thinking shown apart from the answer (<think> in the text, as v0.20 sends it)', async () => {
  await open({
    tokenDelayMs: 10,
    dialect: 'chat-ui',
    model: 'reasoner',
    chatUi: { reasoning: { durationMs: 300, tokens: 3 } },
  });
  await ask('Why is the sky blue?');
  expect(await page.answers()).toEqual(['answer 1 to Why is the sky blue?']);
  const reasoning = await chrome.page.locator('.reasoning').allTextContents();
  expect(reasoning).toHaveLength(1);
  expect(reasoning[0]).toMatch(/^Reasoning\s*\S/);
  // Neither the tags nor the thinking reached the answer.
  expect(await page.lastAnswer()).not.toContain('think');
  expect(chrome.problems).toEqual([]);
  await shot('reasoning.png');
});

test('a tool call turn: the call and its result shown before the answer', async () => {
  const e = await open({ tokenDelayMs: 10, dialect: 'chat-ui', model: 'tool-caller' });
  await ask('RxJS operators');
  const tool = chrome.page.locator('.tool');
  expect(await tool.count()).toBe(1);
  expect(await tool.getAttribute('data-state')).toBe('output-available');
  expect(await tool.textContent()).toMatch(
    /search\(\{\s*"query": "RxJS operators"\s*\}\) → \[[\s\S]*"Results for RxJS operators"/,
  );
  expect(await page.answers()).toEqual(['answer 1 to RxJS operators']);
  expect(streams(e)).toHaveLength(1);
  expect(chrome.problems).toEqual([]);
  await shot('tool.png');
});

test('Stop and at once a new question (dialect chat-ui): the stop is sent, the new turn answered after it', async () => {
  const e = await open({ tokenDelayMs: 40, dialect: 'chat-ui' });
  await ask('Tell me a long story', 'streaming');
  await wordsShown(4);
  // One task: Stop, type, submit; no wait for the page or the server between them.
  await chrome.page.evaluate(() => {
    document.querySelector<HTMLButtonElement>('#stop')!.click();
    const input = document.querySelector<HTMLInputElement>('#question')!;
    input.value = 'Shorter, please';
    input.dispatchEvent(new Event('input'));
    document.querySelector('form')!.requestSubmit();
  });
  await chrome.page.waitForSelector('.turn:nth-child(2)');
  await chrome.page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
  expect(await page.questions()).toEqual(['Tell me a long story', 'Shorter, please']);
  // The long story was the emulator's first answer.
  expect(await page.answers().then((a) => a[1])).toBe('answer 2 to Shorter, please');
  expect(
    await chrome.page.locator('.turn').evaluateAll((t) => t.map((e) => e.dataset['status'])),
  ).toEqual(['stopped', 'done']);
  const stopped = (await page.answers())[0];
  expect(stopped).toMatch(/^ w0 w1 w2/);
  expect(stopped).not.toContain('w299');

  await waitFor(() => stopsOf(e).length === 1, 'POST stop-generating', 30_000);
  await e.settled();
  expect(streams(e)[0].closedEarly).toBe(true);
  // The new question follows the stopped answer, which the server kept.
  const data = streams(e).map(chatUiData);
  expect(data.map((d) => d.inputs)).toEqual(['Tell me a long story', 'Shorter, please']);
  expect(data[1].id).not.toBe(data[0].id);
  expect(chrome.problems).toEqual([]);
  await shot('stop-then-ask.png');
});

test('an image turn (the vision model): the picked file goes with the question, the server gets its bytes', async () => {
  const e = await open({ tokenDelayMs: 10, dialect: 'chat-ui', model: 'vision' });
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
  await chrome.page.setInputFiles('#files', {
    name: 'cat.png',
    mimeType: 'image/png',
    buffer: png,
  });
  await ask('What is in this picture?');
  expect(await page.questions()).toEqual(['What is in this picture?']);
  expect(await chrome.page.locator('.attachment').allTextContents()).toEqual(['cat.png']);
  expect(await page.answers()).toEqual(['answer 1 to What is in this picture?']);
  const [stream] = streams(e);
  expect(
    stream.inputs?.files?.map((f) => [f.name, f.mime, Buffer.from(f.data).equals(png)]),
  ).toEqual([['cat.png', 'image/png', true]]);
  // The picker was emptied: the next question goes alone.
  await ask('And now?');
  expect(streams(e)[1].inputs?.files ?? []).toEqual([]);
  expect(chrome.problems).toEqual([]);
  await shot('image.png');
});
