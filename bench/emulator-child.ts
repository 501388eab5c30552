// The emulator in its own process, so that its CPU time is not the client's: prints its URL
// on the first line of stdout, and exits when its parent closes stdin or goes away.
// Usage: node --import tsx bench/emulator-child.ts '{"latencyMs":20}'
// With `"replay":true` it runs bench/replay-server.ts instead (the emulator's bytes at full speed).
import { type EmulatorOptions, startEmulator } from '../lib/testing';
import { startReplay } from './replay-server';
import { benchReply } from './reply';

const main = async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as {
    latencyMs?: number;
    tokenDelayMs?: number;
    replay?: boolean;
    dialect?: 'h2o' | 'chat-ui';
    chatUi?: EmulatorOptions['chatUi'];
  };
  let close: () => Promise<void>;
  let url: string;
  if (config.replay) {
    const replay = await startReplay();
    url = replay.url;
    close = () =>
      new Promise<void>((resolve) => {
        replay.server.close(() => resolve());
        replay.server.closeAllConnections();
      });
  } else {
    const emu = await startEmulator({
      latencyMs: config.latencyMs,
      tokenDelayMs: config.tokenDelayMs,
      dialect: config.dialect,
      chatUi: config.chatUi,
      reply: benchReply,
    });
    // Nothing reads the request log; thousands of completions would keep every body alive.
    const forget = setInterval(() => emu.reset(), 1000);
    url = emu.url;
    close = () => {
      clearInterval(forget);
      return emu.close();
    };
  }
  const stop = () => void close().then(() => process.exit(0));
  process.stdin.on('end', stop).on('error', stop).resume();
  process.on('disconnect', stop);
  process.stdout.write(`${url}\n`);
};

void main();
