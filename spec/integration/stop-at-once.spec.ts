// Issue 20: stop-generating leaves the moment the subscriber does, and a Node process with
// nothing else to do does not exit before it has been sent.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { completion$, withCookieJar } from '../../lib';
import type { FetchLike } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { until } from '../helpers';

const repo = join(__dirname, '../..');
const long = () => Array.from({ length: 200 }, (_, i) => ` w${i}`);

let emu: Emulator;
afterEach(() => emu.close());

const stops = () => emu.requests.filter((r) => r.step === 'stop');

describe('stop-generating', () => {
  it('is sent within the unsubscribe itself, not on a timer', async () => {
    emu = await startEmulator({ tokenDelayMs: 20, reply: long });
    // The default stack, watched: which requests it was asked to send, and when.
    const inner = withCookieJar();
    const sent: string[] = [];
    const fetch: FetchLike = (url, init) => {
      sent.push(String(url));
      return inner(url, init);
    };
    await new Promise<void>((done) => {
      const subscription = completion$('falcon-40b', [{ role: 'user', content: 'Hi' }], {
        baseUrl: emu.url,
        fetch,
      }).subscribe(() => {
        subscription?.unsubscribe();
        expect(sent.at(-1)).toMatch(/\/stop-generating$/);
        done();
      });
    });
    await until(() => stops().some((r) => r.finished), 5000, 'the stop answered');
  });

  // A script that leaves its completion early and has nothing left to do: it must still get
  // its stop to the server before Node exits.
  const script = (body: string) => `
    const { completion$ } = require(${JSON.stringify(join(repo, 'lib'))});
    const { take } = require('rxjs');
    const url = process.env.EMULATOR_URL;
    if (!url) throw new Error('no EMULATOR_URL');
    ${body}
  `;

  const runScript = (source: string) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', source], {
        cwd: repo,
        env: { ...process.env, EMULATOR_URL: emu.url },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });

  it.each([
    [
      'take(2)',
      `completion$('falcon-40b', [{ role: 'user', content: 'Hi' }], { baseUrl: url })
        .pipe(take(2)).subscribe();`,
    ],
    [
      'an AbortSignal aborted mid-stream',
      `const ac = new AbortController();
       let n = 0;
       completion$('falcon-40b', [{ role: 'user', content: 'Hi' }], { baseUrl: url, signal: ac.signal })
         .subscribe(() => { if (++n === 2) ac.abort(); });`,
    ],
  ])('reaches the server before a script that used %s exits on its own', async (_name, body) => {
    emu = await startEmulator({ tokenDelayMs: 20, reply: long });
    const { code, stderr } = await runScript(script(body));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Arrived while the child was alive: the log has it the moment the child is gone.
    expect(stops()).toHaveLength(1);
    const stream = emu.requests.find((r) => r.step === 'stream');
    expect(stream?.closedEarly).toBe(true);
    await emu.settled();
  });
});
