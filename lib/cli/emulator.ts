import { type EmulatorOptions, startEmulator } from '../testing';
import { number, port, type Values } from './args';
import { parseFault } from './faults';
import { dialectOf } from './options';

/** The emulator the flags describe (`--emulator` or `h2o-rx emulator`). */
export const emulatorOptions = (values: Values, defaultPort: number): EmulatorOptions => {
  const reply = values.reply;
  return {
    port: port(values.port) ?? defaultPort,
    host: values.host,
    dialect: dialectOf(values.dialect),
    tokenDelayMs: number('token-delay', values['token-delay']) ?? 10,
    latencyMs: number('latency', values.latency),
    reply: reply === undefined ? undefined : () => reply,
    rateLimit: number('rate-limit', values['rate-limit']),
    static: values.static,
    faults: values.fault?.map(parseFault),
  };
};

/** `h2o-rx emulator`: serves until SIGINT or SIGTERM, then closes; resolves to the exit status. */
export const runEmulator = async (values: Values): Promise<number> => {
  const emulator = await startEmulator(emulatorOptions(values, 8080));
  const faults = values.fault?.length ? `, faults: ${values.fault.join(' ')}` : '';
  process.stdout.write(`${emulator.url}\n`);
  process.stderr.write(`h2o-rx emulator listening on ${emulator.url}${faults} (Ctrl-C to stop)\n`);
  return new Promise<number>((resolve) => {
    const stop = () => void emulator.close().then(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};
