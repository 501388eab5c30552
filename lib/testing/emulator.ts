import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { trackConnections } from './server/connections';
import { createDialect } from './dialect';
import type { EmulatorSettings } from './server/exchange';
import { createFaultQueue } from './faults';
import { createRecorder } from './server/recorder';
import { createEmulatorServer } from './server/http-server';
import { createTimers } from './server/timers';
import { nonNegative } from './shared/options';
import type { Emulator, EmulatorOptions } from './types';

const settingsOf = (options: EmulatorOptions): EmulatorSettings => ({
  tokenDelayMs: nonNegative('tokenDelayMs', options.tokenDelayMs, 0),
  latencyMs: nonNegative('latencyMs', options.latencyMs, 0),
  reply: options.reply,
  rateLimit:
    options.rateLimit === undefined ? undefined : nonNegative('rateLimit', options.rateLimit, 0),
  static: options.static,
  prompts: [],
  saveDelayMs: nonNegative('saveDelayMs', options.saveDelayMs, 10),
  stopCheckMs: nonNegative('h2o.stopCheckMs', options.h2o?.stopCheckMs, 1000),
});

// A mistyped folder would otherwise serve the app's 404 for every file, far from the cause.
const checkFolder = async (folder: string): Promise<void> => {
  const found = await stat(folder).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new Error(`startEmulator: static folder ${folder} does not exist or is not a folder`);
  }
};

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Starts an emulated chat server on loopback, speaking the real server's protocol, failures
 * included.
 *
 * @example
 * const emu = await startEmulator({ tokenDelayMs: 5, reply: () => 'Hello, world!' });
 * // … point the client at emu.url …
 * await emu.close();
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const settings = settingsOf(options);
  if (settings.static !== undefined) await checkFolder(settings.static);
  const dialect = createDialect(options.dialect ?? 'h2o', options);
  const faults = createFaultQueue(dialect.checkFault);
  faults.add(...(options.faults ?? []));
  const recorder = createRecorder(dialect.stepOf);
  const timers = createTimers();
  const server = createEmulatorServer({ settings, dialect, faults, recorder, timers });
  const connections = trackConnections(server);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    requests: recorder.requests,
    prompts: settings.prompts,
    inject: (...added) => faults.add(...added),
    reset: () => {
      recorder.clear();
      settings.prompts.length = 0;
      faults.clear();
    },
    openConnections: () => connections.count(),
    settled: (timeoutMs = 2000) => recorder.settled(timeoutMs),
    close: () =>
      (closing ??= (async () => {
        timers.stopAll();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await connections.destroyAll();
        await closed;
      })()),
  };
};
