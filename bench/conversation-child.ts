// The conversation case's emulators in their own process (their CPU is not the client's):
// one per entry of the JSON array given, each with the bench's reply; prints their URLs as one
// JSON line, and exits when its parent closes stdin.
import { startEmulator, type EmulatorOptions } from '../lib/testing';
import { benchReply } from './reply';

const main = async () => {
  const configs = JSON.parse(process.argv[2] ?? '[]') as EmulatorOptions[];
  const emulators = await Promise.all(
    configs.map((config) => startEmulator({ ...config, reply: benchReply })),
  );
  // The logs are not reset (that would drop the faults): the case sends a few hundred requests.
  const stop = () => {
    void Promise.all(emulators.map((emu) => emu.close())).then(() => process.exit(0));
  };
  process.stdin.on('end', stop).on('error', stop).resume();
  process.stdout.write(`${JSON.stringify(emulators.map((emu) => emu.url))}\n`);
};

void main();
