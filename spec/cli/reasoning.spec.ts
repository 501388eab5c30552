// The command against the emulator's reasoning and tool-calling models (dialect chat-ui): on a
// terminal the reasoning, its status lines and the tool calls are dimmed beside the answer;
// piped, stdout is the answer alone; stdout to a file, the asides go to the terminal's stderr;
// --json prints every event, in the order completionEvents$ gives them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { completionEvents$, type CompletionEvent } from '../../lib';
import { type Emulator, REASONING_MODEL_ID, startEmulator, TOOL_MODEL_ID } from '../../lib/testing';
import { cliCommand, quote, run, underPty } from './command';

// Each test starts the command under tsx, several seconds on a loaded machine.
jest.setTimeout(60_000);

// The reasoning model thinks in three pieces over 600 ms, then answers "Hello there".
const reasoner = (wire: 'updates' | 'think') =>
  startEmulator({
    dialect: 'chat-ui',
    reply: () => ['Hello', ' there'],
    chatUi: { reasoning: { durationMs: 600, tokens: 3, wire } },
  });

let emu: Emulator;
beforeEach(async () => {
  // chat-ui's reasoning updates: status, stream, status.
  emu = await reasoner('updates');
});
afterEach(() => emu.close());

const args = (model: string, ...more: string[]) => [
  '-u',
  emu.url,
  '--dialect',
  'chat-ui',
  '-m',
  model,
  ...more,
  'Hi',
];
// The closing status says how long the phase took, in whole seconds.
const anyDuration = (text: string) => text.replace(/Done in \d+s\./g, 'Done in Ns.');
const colours = { NO_COLOR: undefined, CI: undefined, TERM: 'xterm-256color' };
const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;

test('on a terminal: the reasoning dimmed (SGR 2 … 22) before the answer, each status on its line', async () => {
  // stderr (the progress line) elsewhere: what the terminal shows is stdout alone.
  const { status, raw } = await underPty(
    `${cliCommand(args(REASONING_MODEL_ID))} 2>/dev/null`,
    colours,
  );
  expect(status).toBe(0);
  expect(anyDuration(raw.replace(/\r\n/g, '\n'))).toBe(
    `${dim('Started reasoning...')}\n` +
      `${dim('Let me think.')}${dim(' Step 1.')}${dim(' Step 2.')}\n` +
      `${dim('Done in Ns.')}\n` +
      'Hello there\n',
  );
});

test('piped: stdout is the answer alone, stderr empty', async () => {
  const result = await run(args(REASONING_MODEL_ID));
  expect(result).toEqual({ status: 0, stdout: 'Hello there\n', stderr: '' });
});

test("stdout to a file: the answer in the file, the reasoning on the terminal's stderr", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h2o-rx-cli-'));
  try {
    const out = join(dir, 'out.txt');
    const { status, screen } = await underPty(
      `${cliCommand(args(REASONING_MODEL_ID))} > ${quote(out)}`,
    );
    expect(status).toBe(0);
    expect(anyDuration(screen)).toMatch(
      /^conversation ✓ \d+ ms · streaming…\nStarted reasoning\.\.\.\nLet me think\. Step 1\. Step 2\.\nDone in Ns\.\n✓ 2 tokens · \d+\.\d\d s\n$/,
    );
    expect(readFileSync(out, 'utf8')).toBe('Hello there\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--quiet on a terminal: the answer alone', async () => {
  const { screen } = await underPty(cliCommand(args(REASONING_MODEL_ID, '-q')));
  expect(screen).toBe('Hello there\n');
});

test('the tool-calling model on a terminal: the call and its result, one dimmed line each', async () => {
  const { status, raw } = await underPty(`${cliCommand(args(TOOL_MODEL_ID))} 2>/dev/null`, colours);
  expect(status).toBe(0);
  const [prompt] = emu.prompts;
  expect(raw.replace(/\r\n/g, '\n')).toBe(
    `${dim(`→ search ${JSON.stringify({ query: prompt.prompt })}`)}\n` +
      `${dim('← search')}\n` +
      'Hello there\n',
  );
});

// An event as --json prints it, without what differs between two runs: the step times, the
// conversation and tool call ids, the reasoning's duration.
const comparable = (e: CompletionEvent): unknown => {
  if (e.type === 'step') return { type: e.type, step: e.step };
  if (e.type === 'done') return { ...e, conversationId: 'c' };
  if (e.type === 'reasoning-status') return { ...e, status: anyDuration(e.status) };
  return 'uuid' in e ? { ...e, uuid: 'u' } : e;
};

const jsonCases: Array<[string, string[]]> = [
  [
    REASONING_MODEL_ID,
    ['title', 'reasoning-status', 'reasoning', 'reasoning', 'reasoning', 'reasoning-status'],
  ],
  [TOOL_MODEL_ID, ['title', 'tool-call', 'tool-progress', 'tool-result']],
];

test.each(jsonCases)(
  '--json (%s): every event on its own line, in the order completionEvents$ gives them',
  async (model, updates) => {
    const result = await run(args(model, '--json'));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toContain('{"type":"keep-alive"}');
    const printed = lines.map((line) => JSON.parse(line) as CompletionEvent);
    const direct = await lastValueFrom(
      completionEvents$(model, [{ role: 'user', content: 'Hi' }], {
        baseUrl: emu.url,
        dialect: 'chat-ui',
      }).pipe(toArray()),
    );
    // Keep-alives are the server's clock (every 100 ms): their number differs between runs.
    const sequence = (events: CompletionEvent[]) =>
      events.filter((e) => e.type !== 'keep-alive').map(comparable);
    expect(sequence(printed)).toEqual(sequence(direct));
    expect(sequence(printed).map((e) => (e as CompletionEvent).type)).toEqual([
      'step',
      'step',
      ...updates,
      'token',
      'token',
      'done',
    ]);
  },
);

describe("chat-ui v0.20's own wire: the reasoning as <think>…</think> in the answer's tokens", () => {
  let thinking: Emulator;
  beforeEach(async () => {
    thinking = await reasoner('think');
  });
  afterEach(() => thinking.close());
  const thinkArgs = () => ['-u', thinking.url, '--dialect', 'chat-ui', '-m', REASONING_MODEL_ID];

  test('on a terminal: the block (reasoning events from the library) dimmed, the answer on the next line', async () => {
    const { status, raw } = await underPty(
      `${cliCommand([...thinkArgs(), 'Hi'])} 2>/dev/null`,
      colours,
    );
    expect(status).toBe(0);
    expect(raw.replace(/\r\n/g, '\n')).toBe(
      `${dim('Let me think.')}${dim(' Step 1.')}${dim(' Step 2.')}\nHello there\n`,
    );
  });

  test('piped: stdout is the answer alone, as with reasoning updates', async () => {
    const result = await run([...thinkArgs(), 'Hi']);
    expect(result).toEqual({ status: 0, stdout: 'Hello there\n', stderr: '' });
  });
});
