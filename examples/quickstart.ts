// The main job: start the embedded emulator, stream an answer to stdout as it arrives.
// Against a real server, drop the emulator and pass your own chat-ui's baseUrl.
import { completion$ } from '../lib';
import { startEmulator } from '../lib/testing';

const main = async () => {
  const emulator = await startEmulator({ tokenDelayMs: 30 });
  console.error(`emulator on ${emulator.url}`);
  completion$(
    'falcon-40b',
    [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello! What is h2o-rx?' },
    ],
    { baseUrl: emulator.url },
  ).subscribe({
    next: (token) => process.stdout.write(token),
    error: async (err: Error) => {
      console.error(`\n${err.name}: ${err.message}`);
      process.exitCode = 1;
      await emulator.close();
    },
    complete: async () => {
      process.stdout.write('\n');
      await emulator.close();
    },
  });
};

void main();
