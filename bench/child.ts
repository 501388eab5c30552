import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { EmulatorOptions } from '../lib/testing';

/** An emulator running in a child process. */
export interface ChildEmulator {
  readonly url: string;
  /** The child's pid, to read its CPU time if wanted. */
  readonly pid: number;
  close(): Promise<void>;
}

/** Starts bench/emulator-child.ts with `config` and resolves with its URL. */
export const spawnEmulator = (config: {
  latencyMs?: number;
  tokenDelayMs?: number;
  replay?: boolean;
  dialect?: 'h2o' | 'chat-ui';
  chatUi?: EmulatorOptions['chatUi'];
}): Promise<ChildEmulator> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'emulator-child.ts'), JSON.stringify(config)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the emulator child did not start within 20 s'));
    }, 20_000);
    let out = '';
    child.once('error', reject);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      resolve({
        url: out.slice(0, newline).trim(),
        pid: child.pid ?? -1,
        close: () => {
          child.stdin.end();
          const forced = setTimeout(() => child.kill(), 3000);
          return exited.then(() => clearTimeout(forced));
        },
      });
    });
  });
