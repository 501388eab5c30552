// Serves the bundled page (examples/browser/dist) same-origin with the emulator:
// `npm run example:browser`, then open the printed URL.
import { join } from 'node:path';
import { startEmulator } from '../../lib/testing';

const main = async () => {
  const port = Number(process.env.PORT ?? 8080);
  const emulator = await startEmulator({ port, tokenDelayMs: 60, static: join(__dirname, 'dist') });
  console.log(`open ${emulator.url}/ (Ctrl-C to stop)`);
  const close = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
};

void main();
