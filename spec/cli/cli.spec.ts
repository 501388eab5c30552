// The h2o-rx command as a child process (lib/cli/main.ts run with tsx), against real emulators:
// output on stdout, progress on stderr only on a terminal (checked under a pty with script(1)),
// quiet when piped, EPIPE, every completion$ option as a flag, exit statuses, the emulator
// subcommand with faults.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { completion$, H2oHttpError } from '../../lib';
import { startEmulator, type Emulator } from '../../lib/testing';
import { cliCommand, env, exec, nodeArgs, quote, repo, run, underPty } from './command';

// Each test starts the command under tsx, several seconds on a loaded machine.
jest.setTimeout(60_000);

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('h2o-rx PROMPT', () => {
  test('piped: the answer on stdout, nothing on stderr, exit 0', async () => {
    const result = await run(['--emulator', 'Hi there']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('Hello! You said: Hi there\n');
    expect(result.status).toBe(0);
  });

  test('on a terminal: handshake progress on stderr, the answer on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2o-rx-cli-'));
    try {
      // stdout to a file, stderr to the terminal: what the terminal shows is stderr alone.
      const out = join(dir, 'out.txt');
      const { status, screen } = await underPty(
        `${cliCommand(['--emulator', 'Hello'])} > ${quote(out)}`,
      );
      expect(status).toBe(0);
      expect(screen).toMatch(
        /^session ✓ \d+ ms · settings ✓ \d+ ms · conversation ✓ \d+ ms · streaming…\n✓ 6 tokens · \d+\.\d\d s\n$/,
      );
      expect(readFileSync(out, 'utf8')).toBe('Hello! You said: Hello\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('on a terminal, both streams: progress line, then the answer as it streams', async () => {
    const { status, screen } = await underPty(cliCommand(['--emulator', 'Hi']));
    expect(status).toBe(0);
    expect(screen).toMatch(
      /^session ✓ \d+ ms · settings ✓ \d+ ms · conversation ✓ \d+ ms · streaming…\nHello! You said: Hi\n✓ 6 tokens/,
    );
  });

  test('on a terminal with --quiet, or with --json: no progress', async () => {
    expect((await underPty(cliCommand(['--emulator', '-q', 'Hi']))).screen).toBe(
      'Hello! You said: Hi\n',
    );
    const json = (await underPty(cliCommand(['--emulator', '--json', 'Hi']))).screen;
    expect(
      json
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith('{')),
    ).toBe(true);
  });

  test('progress is coloured on a terminal unless NO_COLOR is set', async () => {
    const coloured = await underPty(cliCommand(['--emulator', 'Hi']), {
      NO_COLOR: undefined,
      // Node reports no colours under CI=true (as CI sets) unless it knows the CI service.
      CI: undefined,
      TERM: 'xterm-256color',
    });
    const esc = String.fromCharCode(27);
    expect(coloured.raw).toContain(`${esc}[32m✓${esc}[0m`);
    const plain = await underPty(cliCommand(['--emulator', 'Hi']), { NO_COLOR: '1' });
    expect(plain.raw).not.toContain(esc);
  });

  test('--json prints one CompletionEvent per line', async () => {
    const result = await run(['--emulator', '--json', 'Hi']);
    expect(result.status).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.filter((e) => e.type === 'step').map((e) => e.step)).toEqual([
      'session',
      'settings',
      'conversation',
      'stream',
    ]);
    const tokens = events.filter((e) => e.type === 'token').map((e) => e.text);
    expect(tokens.join('')).toBe('Hello! You said: Hi');
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Hello! You said: Hi', tokens: 6 });
  });

  test('every completion$ option has a flag, and each reaches the wire', async () => {
    emu = await startEmulator();
    const id = '0f4a4c43-4a8a-4a4e-9d55-5f3b5f1c9e10';
    const responseId = '3b1f9f0e-2c1d-4e5f-8a9b-0c1d2e3f4a5b';
    const result = await run([
      '--base-url',
      emu.url,
      '--model',
      'falcon-7b',
      '--system',
      'Be brief.',
      '--temperature',
      '0.7',
      '--max-new-tokens',
      '50',
      '--truncate',
      '100',
      '--repetition-penalty',
      '1.1',
      '--no-do-sample',
      '--return-full-text',
      '--param',
      'top_p=0.9',
      '--param',
      'stop=["\\n"]',
      '--param',
      'note=plain text',
      '-H',
      'X-Test: yes',
      '--id',
      id,
      '--response-id',
      responseId,
      '--delete-after',
      '--max-line-bytes',
      '4096',
      '--allow-control-tokens',
      'Hi <|endoftext|>',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const stream = emu.requests.find((r) => r.step === 'stream')!;
    const body = JSON.parse(stream.body);
    expect(body.inputs).toBe('system: Be brief.\nuser: Hi <|endoftext|>\nassistant:');
    expect(body.parameters).toMatchObject({
      temperature: 0.7,
      max_new_tokens: 50,
      truncate: 100,
      repetition_penalty: 1.1,
      do_sample: false,
      return_full_text: true,
      top_p: 0.9,
      stop: ['\n'],
      note: 'plain text',
    });
    expect(body.options).toMatchObject({ id, response_id: responseId });
    expect(stream.headers['x-test']).toBe('yes');
    expect(emu.requests.find((r) => r.step === 'conversation')!.body).toContain('falcon-7b');
    await emu.settled();
    expect(emu.requests.some((r) => r.step === 'delete' && r.method === 'DELETE')).toBe(true);

    const help = (await run(['--help'])).stdout;
    for (const flag of [
      '--base-url',
      '--temperature',
      '--truncate',
      '--max-new-tokens',
      '--no-do-sample',
      '--repetition-penalty',
      '--return-full-text',
      '--id',
      '--response-id',
      '--end-token',
      '--header',
      '--no-stream',
      '--dialect',
      '--param',
      '--max-line-bytes',
      '--delete-after',
      '--allow-control-tokens',
    ]) {
      expect(help).toContain(`${flag} `);
    }
  });

  test('--end-token and --no-stream', async () => {
    emu = await startEmulator({ reply: () => ['one', ' two', ' STOP', ' three'] });
    const stopped = await run(['-u', emu.url, '--end-token', ' STOP', 'Hi']);
    expect(stopped.stdout).toBe('one two\n');
    const whole = await run(['-u', emu.url, '--no-stream', '--json', 'Hi']);
    const events = whole.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'token')).toEqual([]);
    expect((await run(['-u', emu.url, '--no-stream', 'Hi'])).stdout).toBe('one two STOP three\n');
  });

  test('"-" reads the prompt from stdin; --messages reads earlier turns', async () => {
    expect((await run(['--emulator', '-'], 'from stdin\n')).stdout).toBe(
      'Hello! You said: from stdin\n',
    );
    emu = await startEmulator();
    const messages = JSON.stringify([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
    ]);
    const result = await run(['-u', emu.url, '--messages', '-', 'second'], messages);
    expect(result.stdout).toBe('Hello! You said: second\n');
    const body = JSON.parse(emu.requests.find((r) => r.step === 'stream')!.body);
    expect(body.inputs).toBe('user: first\nassistant: ok\nuser: second\nassistant:');
  });

  test('a failure: exit 1 and one line on stderr', async () => {
    emu = await startEmulator({ faults: [{ step: 'conversation', status: 404 }] });
    const result = await run(['--base-url', emu.url, 'Hi']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^h2o-rx: H2oHttpError \(conversation\): [^\n]*404[^\n]*\n$/);
  });

  test('retryable failures are retried (--retry), then reported', async () => {
    emu = await startEmulator({ faults: [{ step: 'conversation', status: 503, times: 1 }] });
    expect((await run(['-u', emu.url, 'Hi'])).stdout).toBe('Hello! You said: Hi\n');
    emu.inject({ step: 'conversation', status: 503, times: 1 });
    const noRetry = await run(['-u', emu.url, '--retry', '0', 'Hi']);
    expect(noRetry.status).toBe(1);
    expect(noRetry.stderr).toMatch(/503/);
  });

  test('--timeout ends a stalled attempt', async () => {
    emu = await startEmulator({ faults: [{ step: 'stream', kind: 'stall', afterTokens: 1 }] });
    const result = await run(['-u', emu.url, '--idle-timeout', '300', '--retry', '0', 'Hi']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('Hello\n');
    expect(result.stderr).toMatch(/^h2o-rx: TimeoutError: /);
  });

  test('bad usage: exit 2 with a pointer to --help', async () => {
    const cases = [['--bogus', 'Hi'], ['--temperature', 'warm', 'Hi'], [], ['a', 'b']];
    for (const result of await Promise.all(cases.map((args) => run(args)))) {
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^h2o-rx: .*\(see h2o-rx --help\)\n$/);
    }
  });

  test('--help shows usage and examples; --version the version', async () => {
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('h2o-rx emulator --port 8080');
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect((await run(['--version'])).stdout).toBe(`${manifest.version}\n`);
  });
});

describe('EPIPE', () => {
  const long = Array.from({ length: 400 }, (_, i) => ` w${i}`);

  test('a closed stdout ends the completion quietly: exit 0, stream aborted, stop sent', async () => {
    emu = await startEmulator({ tokenDelayMs: 10, reply: () => long });
    const child = spawn(process.execPath, [...nodeArgs, '-u', emu.url, 'Hi'], { cwd: repo, env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy(); // the reader goes away, as `| head` does
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    await emu.settled();
    expect(emu.requests.find((r) => r.step === 'stream')?.closedEarly).toBe(true);
    expect(emu.requests.some((r) => r.step === 'stop')).toBe(true);
  });

  test('| head: no EPIPE noise, the CLI exits 0', async () => {
    emu = await startEmulator({ tokenDelayMs: 2, reply: () => long });
    const result = await exec('bash', [
      '-c',
      `set -o pipefail; ${cliCommand(['-u', emu.url, 'Hi'])} | head -c 12`,
    ]);
    expect(result.stdout).toBe(' w0 w1 w2 w3');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('h2o-rx emulator', () => {
  test('serves on --port with --fault, prints its URL, stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        'emulator',
        '--port',
        '0',
        '--token-delay',
        '0',
        '--fault',
        'conversation:503',
        '--reply',
        'Pong',
      ],
      { cwd: repo, env },
    );
    try {
      const url = await new Promise<string>((done, fail) => {
        child.stdout.once('data', (d: Buffer) => done(d.toString().trim()));
        child.once('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ask = () =>
        lastValueFrom(
          completion$('falcon-40b', [{ role: 'user', content: 'Ping' }], { baseUrl: url }),
        );
      await expect(ask()).rejects.toMatchObject({ constructor: H2oHttpError, status: 503 });
      await expect(ask()).resolves.toBe('Pong');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(0);
  });
});
