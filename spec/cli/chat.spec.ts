// `h2o-rx chat` (issue 10 item 5): an interactive conversation on a terminal. The command runs
// on a pseudo-terminal (util-linux `script`) against an emulator in this process, whose request
// log shows what the server saw: a follow-up carries only the new message, /retry regenerates,
// Ctrl-C sends stop-generating and the prompt comes back, /new opens a new conversation.
import type { Emulator, RecordedRequest } from '../../lib/testing';
import { REASONING_MODEL_ID, startEmulator } from '../../lib/testing';
import { until } from '../helpers';
import { chatUiData, since } from '../conversation/support';
import { type ChildProcess, spawn } from 'node:child_process';
import { env, nodeArgs, repo, run } from './command';
import { startInPty, type Pty } from './pty';

// Each test starts the command under tsx (seconds on a loaded machine), then talks to it.
jest.setTimeout(120_000);

const long = Array.from({ length: 400 }, (_, i) => ` w${i}`);

let emu: Emulator | undefined;
let pty: Pty | undefined;
let piped: ChildProcess | undefined;
afterEach(async () => {
  pty?.kill();
  pty = undefined;
  if (piped?.exitCode === null) piped.kill('SIGKILL');
  piped = undefined;
  await emu?.close();
  emu = undefined;
});

// The user message being answered: dialect h2o gives the whole history in the model's turns.
const lastMessage = (prompt: string) =>
  /<\|prompt\|>((?:(?!<\|prompt\|>).)*)<\|endoftext\|><\|answer\|>$/s.exec(prompt)?.[1] ?? prompt;

/** Numbered answers ("answer 3 to hi"), and a long one to stop for a message saying "long". */
const start = (dialect: 'h2o' | 'chat-ui') => {
  let answers = 0;
  return startEmulator({
    dialect,
    tokenDelayMs: 20,
    reply: (prompt) => {
      const message = lastMessage(prompt);
      answers++;
      return message.includes('long') ? long : `answer ${answers} to ${message}`.split(/(?= )/);
    },
  });
};

const prompt = /(?:^|\n)> $/;

/** Types a line and resolves once its answer (or note) and the next prompt are on the screen. */
const say = async (line: string, shows: RegExp) => {
  const from = pty!.screen().length;
  pty!.type(`${line}\r`);
  const end = await pty!.waitFor(shows, from);
  await pty!.waitFor(prompt, end);
};

/** Resolves once the emulator has answered `count` stop-generating requests. */
const waitForStop = (emu: Emulator, count: number) =>
  until(
    () => emu.requests.filter((r) => r.step === 'stop' && r.finished).length >= count,
    20_000,
    `${count} stop-generating answered`,
  );

// The reads of the stored conversation that end each turn (the spec of conversations counts
// them): here only the turns' own requests are looked at.
const isRead = (r: string) => /^GET \/(conversation\/:id\/__data\.json|api\/v2\/)/.test(r);
const withoutReads = (emu: Emulator, from: number) => since(emu, from).filter((r) => !isRead(r));

const streams = (emu: Emulator) =>
  emu.requests.filter((r) => r.method === 'POST' && /^\/conversation\/[0-9a-f]{24}$/.test(r.path));
const h2oBody = (r: RecordedRequest) =>
  JSON.parse(r.body) as { inputs: string; options: { id: string; is_retry: boolean } };
const conversationOf = (r: RecordedRequest) => r.path.split('/')[2];

test('dialect h2o: turns, a follow-up with only the new message, /retry, Ctrl-C, /new, Ctrl-D', async () => {
  emu = await start('h2o');
  pty = startInPty(['chat', '--base-url', emu.url]);
  await pty.waitFor(/h2o-rx chat with falcon-40b on .* \(h2o\)\..*\n> $/);
  // Nothing is opened on the server before the first message.
  expect(emu.requests).toEqual([]);

  await say('What is RxJS?', /\nanswer 1 to What is RxJS\?\n/);
  expect(withoutReads(emu, 0)).toEqual([
    'GET /',
    'POST /settings',
    'POST /conversation',
    'POST /conversation/:id',
  ]);

  let mark = emu.requests.length;
  await say('And a Subject?', /\nanswer 2 to And a Subject\?\n/);
  // One request: the follow-up, with the new message alone; the server builds the history.
  expect(withoutReads(emu, mark)).toEqual(['POST /conversation/:id']);
  const [first, second] = streams(emu);
  expect(conversationOf(second)).toBe(conversationOf(first));
  expect(h2oBody(second).inputs).toBe('And a Subject?');
  expect(h2oBody(second).options.is_retry).toBe(false);
  expect(emu.prompts[1].prompt).toBe(
    '<|prompt|>What is RxJS?<|endoftext|><|answer|>answer 1 to What is RxJS?<|endoftext|>' +
      '<|prompt|>And a Subject?<|endoftext|><|answer|>',
  );

  mark = emu.requests.length;
  await say('/retry', /\nanswer 3 to And a Subject\?\n/);
  expect(withoutReads(emu, mark)).toEqual(['POST /conversation/:id']);
  // Regenerate as the 2023 front end did it: the same user message, its id, is_retry.
  const retry = streams(emu)[2];
  expect(h2oBody(retry).inputs).toBe('And a Subject?');
  expect(h2oBody(retry).options).toMatchObject({ id: h2oBody(second).options.id, is_retry: true });

  // Ctrl-C mid-answer: the answer stops, the program does not; the prompt comes back once the
  // server has answered the stop.
  mark = emu.requests.length;
  let from = pty.screen().length;
  pty.type('Tell me a long story\r');
  from = await pty.waitFor(/ w0 w1 w2/, from);
  pty.type('\x03');
  from = await pty.waitFor(/\n\(stopped\)\n> $/, from);
  expect(pty.screen()).not.toContain('w399');
  const stop = emu.requests.find((r) => r.step === 'stop');
  expect(stop).toMatchObject({ method: 'POST', finished: true, status: 200 });
  expect(stop?.path).toBe(`/conversation/${conversationOf(first)}/stop-generating`);
  expect(streams(emu)[3].closedEarly).toBe(true);

  // Ctrl-C with no answer running drops the line being typed; the session goes on.
  pty.type('half a line\x03');
  await pty.waitFor(/\^C\n\(Ctrl-D or \/exit ends the session\)\n> $/, from);

  mark = emu.requests.length;
  await say('/new', /\n\(new conversation\)\n/);
  await say('Hello again', /\nanswer \d+ to Hello again\n/);
  // A new conversation on the same session: no GET / or POST /settings again.
  // A new conversation, its first turn on the root.
  expect(withoutReads(emu, mark)).toEqual(['POST /conversation', 'POST /conversation/:id']);
  const fresh = streams(emu).at(-1)!;
  expect(conversationOf(fresh)).not.toBe(conversationOf(first));
  expect(emu.prompts.at(-1)?.prompt).toBe('<|prompt|>Hello again<|endoftext|><|answer|>');

  pty.type('\x04');
  expect(await pty.exited).toBe(0);
});

test('dialect chat-ui: the follow-up names the previous answer, /retry regenerates it, Ctrl-C stops', async () => {
  emu = await start('chat-ui');
  pty = startInPty(['chat', '-u', emu.url, '--dialect', 'chat-ui', '-m', 'llama3']);
  await pty.waitFor(/h2o-rx chat with llama3 on .* \(chat-ui\)\..*\n> $/);

  await say('one', /\nanswer 1 to one\n/);
  await say('two', /\nanswer 2 to two\n/);
  await say('/retry', /\nanswer 3 to two\n/);
  const data = streams(emu).map(chatUiData);
  expect(data.map((d) => d.inputs)).toEqual(['one', 'two', undefined]);
  // The follow-up's parent is the first answer (not the root the first turn named); the retry
  // names the answer it replaces and sends no message.
  expect(data[1].id).not.toBe(data[0].id);
  expect(data[2]).toMatchObject({ is_retry: true });
  expect(data[2].id).not.toBe(data[1].id);
  expect(new Set(streams(emu).map(conversationOf)).size).toBe(1);

  let from = pty.screen().length;
  pty.type('a long one\r');
  from = await pty.waitFor(/ w0 w1 w2/, from);
  pty.type('\x03');
  await pty.waitFor(/\n\(stopped\)\n> $/, from);
  expect(emu.requests.find((r) => r.step === 'stop')).toMatchObject({
    method: 'POST',
    finished: true,
  });

  const mark = emu.requests.length;
  await say('/new', /\n\(new conversation\)\n/);
  await say('three', /\nanswer \d+ to three\n/);
  // A new conversation, its first turn on the root.
  expect(withoutReads(emu, mark)).toEqual(['POST /conversation', 'POST /conversation/:id']);

  pty.type('/exit\r');
  expect(await pty.exited).toBe(0);
});

test('the reasoning model: its reasoning beside each answer, on lines of its own', async () => {
  emu = await startEmulator({
    dialect: 'chat-ui',
    reply: () => ['Hello', ' there'],
    chatUi: { reasoning: { durationMs: 300, tokens: 2, wire: 'updates' } },
  });
  pty = startInPty(['chat', '-u', emu.url, '--dialect', 'chat-ui', '-m', REASONING_MODEL_ID]);
  await pty.waitFor(/\n> $/);
  const from = pty.screen().length;
  await say('Hi', /\nHello there\n/);
  // NO_COLOR: plain. The status lines, the reasoning's pieces on one line, then the answer.
  expect(
    pty
      .screen()
      .slice(from)
      .replace(/Done in \d+s\./, 'Done in Ns.'),
  ).toBe('Hi\nStarted reasoning...\nLet me think. Step 1.\nDone in Ns.\nHello there\n> ');
  pty.type('/exit\r');
  expect(await pty.exited).toBe(0);
});

test.each(['h2o', 'chat-ui'] as const)(
  'dialect %s: Ctrl-C, then the next line typed at once: the server stores both turns whole',
  async (dialect) => {
    emu = await start(dialect);
    const flags = dialect === 'h2o' ? [] : ['--dialect', 'chat-ui', '-m', 'llama3'];
    pty = startInPty(['chat', '--base-url', emu.url, ...flags]);
    await pty.waitFor(/\n> $/);
    let from = pty.screen().length;
    pty.type('Tell me a long story\r');
    from = await pty.waitFor(/ w0 w1 w2/, from);
    // The next line follows the Ctrl-C at once, before the stop has even left.
    pty.type('\x03');
    pty.type('short\r');
    await pty.waitFor(/answer 2 to short\n/, from);
    await emu.settled();
    // The short turn was not cut by the stop, and was built on the stopped answer.
    const [, second] = streams(emu);
    expect(second.closedEarly).toBe(false);
    if (dialect === 'h2o') {
      const given = emu.prompts[1].prompt;
      expect(given).toMatch(
        /^<\|prompt\|>Tell me a long story<\|endoftext\|><\|answer\|> w0 w1 w2.*<\|endoftext\|><\|prompt\|>short<\|endoftext\|><\|answer\|>$/s,
      );
      expect(given).not.toContain('w399');
    } else {
      const messages = emu.prompts[1].params.messages as Array<{ role: string; content: string }>;
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(messages[1].content).toMatch(/^ w0 w1 w2/);
      expect(messages[1].content).not.toContain('w399');
    }
    pty.type('\x04');
    expect(await pty.exited).toBe(0);
  },
);

/** `h2o-rx chat --emulator --token-delay 1 FLAGS` reading `input` from a pipe. */
const chatOnEmulator = (flags: string[], input: string) =>
  run(['chat', '--emulator', '--token-delay', '1', ...flags], input);

test('--emulator, lines from a pipe: each a turn in order, /exit ends (later lines unread)', async () => {
  const result = await chatOnEmulator(
    ['--reply', 'Sure.'],
    'first\n/retry\n/nope\n/new\nsecond\n/exit\nnever sent\n',
  );
  expect(result).toMatchObject({ status: 0, stdout: 'Sure.\nSure.\nSure.\n' });
  expect(result.stderr).toBe('unknown command /nope (/help lists them)\n(new conversation)\n');
});

test('a failed answer is one line on stderr and the session goes on', async () => {
  const faulty = ['--reply', 'Sure thing.', '--fault', 'stream:error-event@1'];
  const result = await chatOnEmulator(faulty, 'first\nsecond\n');
  expect(result.status).toBe(0);
  // The token before the error stays on its line; the next turn answers in full.
  expect(result.stdout).toBe('Sure\nSure thing.\n');
  expect(result.stderr).toMatch(/^h2o-rx: H2oProtocolError \(stream\): .*\n$/);
});

test("dialect chat-ui, a re-streamed answer: the server's final text is written again", async () => {
  const chatUi = ['--dialect', 'chat-ui', '-m', 'llama3', '--reply', 'one two three'];
  const result = await chatOnEmulator([...chatUi, '--fault', 'stream:rerun@2'], 'Count\n');
  expect(result.status).toBe(0);
  // What streamed (the first two tokens twice), then the final text on a line of its own.
  expect(result.stdout).toBe('one twoone two three\none two three\n');
  expect(result.stderr).toBe('(the server corrected the answer:)\n');
});

/** `h2o-rx chat -u URL` reading a pipe; resolves once `text` is on its stdout. */
const startPiped = (url: string) => {
  const child = spawn(process.execPath, [...nodeArgs, 'chat', '-u', url], { cwd: repo, env });
  piped = child;
  let stdout = '';
  let stderr = '';
  const seen: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    seen.forEach((check) => check());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const shows = (text: string) =>
    new Promise<void>((done) => {
      const check = () => stdout.includes(text) && done();
      seen.push(check);
      check();
    });
  const exited = new Promise<number | null>((done) => child.on('close', done));
  return { child, shows, exited, output: () => ({ stdout, stderr }) };
};

test('reading a pipe: SIGINT stops the answer and the session goes on; SIGTERM stops it and exits 143', async () => {
  emu = await start('h2o');
  const chat = startPiped(emu.url);
  chat.child.stdin.write('a long one\n');
  await chat.shows(' w0 w1');
  chat.child.kill('SIGINT');
  await waitForStop(emu, 1);
  chat.child.stdin.write('short\n');
  await chat.shows('answer 2 to short\n');
  chat.child.stdin.write('another long one\n');
  await chat.shows('answer 2 to short\n w0 w1');
  chat.child.kill('SIGTERM');
  expect(await chat.exited).toBe(143);
  // The command waited for the server to answer the second stop before it left.
  expect(emu.requests.filter((r) => r.step === 'stop')).toMatchObject([
    { finished: true, status: 200 },
    { finished: true, status: 200 },
  ]);
  expect(chat.output().stderr).toBe('(stopped)\n(stopped)\n');
  expect(chat.output().stdout).not.toContain('w399');
});

test('usage: chat in --help; one-shot flags and a PROMPT are usage errors', async () => {
  const help = await run(['--help']);
  expect(help.stdout).toMatch(/h2o-rx chat \[options\]/);
  const oneShot = await run(['chat', '--system', 'Be brief.', '--no-stream', '--emulator']);
  expect(oneShot).toMatchObject({ status: 2, stdout: '' });
  expect(oneShot.stderr).toBe('h2o-rx: chat takes no --system, --no-stream (see h2o-rx --help)\n');
  const prompt = await run(['chat', 'Hello']);
  expect(prompt.status).toBe(2);
  expect(prompt.stderr).toMatch(/"chat" takes no PROMPT/);
});
