// Ctrl-C and SIGTERM during an answer (API.md §7): the command cancels as an unsubscribe
// does (the stream aborted, stop-generating sent and waited for, at most 2 s) and exits 130
// or 143. The command runs as a child process against real servers.
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../lib/testing';
import { env, nodeArgs, repo } from './command';

// Each test starts the command under tsx, several seconds on a loaded machine.
jest.setTimeout(60_000);

const long = Array.from({ length: 400 }, (_, i) => ` w${i}`);

let emu: Emulator | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  proxy?.closeAllConnections();
  await new Promise((done) => (proxy ? proxy.close(done) : done(undefined)));
  proxy = undefined;
  await emu?.close();
  emu = undefined;
});

/**
 * Starts `h2o-rx -u URL Hi`, waits for the first token on its stdout, sends `signal`, and
 * resolves to the exit status and the milliseconds from the signal to the exit.
 */
const interrupt = async (url: string, signal: NodeJS.Signals) => {
  const child = spawn(process.execPath, [...nodeArgs, '-u', url, 'Hi'], { cwd: repo, env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  await new Promise<void>((done) => child.stdout.once('data', () => done()));
  const sent = performance.now();
  child.kill(signal);
  const exit = await exited;
  return { ...exit, stderr, ms: performance.now() - sent };
};

/** A server in front of `target` that passes everything on but never answers a stop. */
const stallStops = async (target: string) => {
  const stops: string[] = [];
  proxy = createServer((req, res) => {
    if (req.url?.endsWith('/stop-generating')) {
      stops.push(req.url);
      req.resume(); // read it, answer never
      return;
    }
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((done) => proxy!.listen(0, '127.0.0.1', done));
  const { port } = proxy.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stops };
};

test('Ctrl-C mid-answer: stream aborted, stop-generating answered before the exit, 130', async () => {
  emu = await startEmulator({ tokenDelayMs: 50, reply: () => long });
  const result = await interrupt(emu.url, 'SIGINT');
  expect(result).toMatchObject({ code: 130, signal: null, stderr: '' });
  // Read at the exit, before any settling here: the command itself waited for the stop.
  const stop = emu.requests.find((r) => r.step === 'stop');
  expect(stop).toMatchObject({ method: 'POST', finished: true, status: 200 });
  expect(emu.requests.find((r) => r.step === 'stream')?.closedEarly).toBe(true);
});

test('SIGTERM when the stop is never answered: waits 2 s for it, no longer, and exits 143', async () => {
  emu = await startEmulator({ tokenDelayMs: 50, reply: () => long });
  const stalled = await stallStops(emu.url);
  const result = await interrupt(stalled.url, 'SIGTERM');
  expect(result).toMatchObject({ code: 143, signal: null, stderr: '' });
  expect(stalled.stops).toHaveLength(1);
  expect(stalled.stops[0]).toMatch(/^\/conversation\/[^/]+\/stop-generating$/);
  expect(result.ms).toBeGreaterThanOrEqual(1_900);
  expect(result.ms).toBeLessThan(3_500);
});

test('Ctrl-C while a dropped answer streams again through its resume channel: the stop is waited for too', async () => {
  emu = await startEmulator({ dialect: 'chat-ui', tokenDelayMs: 50, reply: () => long });
  emu.inject({ step: 'stream', kind: 'drop', afterTokens: 2 });
  const child = spawn(
    process.execPath,
    [...nodeArgs, '-u', emu.url, '--dialect', 'chat-ui', '-m', 'llama3', 'Hi'],
    { cwd: repo, env },
  );
  let stdout = '';
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  // w4 comes after the drop (at w2): through the resume channel.
  await new Promise<void>((done) =>
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()).includes(' w4') && done()),
  );
  expect(emu.requests.some((r) => r.step === 'resume')).toBe(true);
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  // Read at the exit: the command itself waited for the stop.
  expect(emu.requests.find((r) => r.step === 'stop')).toMatchObject({
    finished: true,
    status: 200,
  });
});
