#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { lastValueFrom, tap } from 'rxjs';
import { completionEvents$ } from './completion';
import type { CompletionEvent } from './events';
import type { CompletionOptions, Dialect } from './options';
import { startEmulator } from './testing';

const usage = `Usage:
  h2o-rx "PROMPT" [options]      stream an answer to stdout
  h2o-rx emulator [--port N]     run the emulator alone

Options:
  --model NAME         falcon-40b (default), falcon-7b, llama-13b, or a full model id
  --base-url URL       the chat server (default https://gpt-gm.h2o.ai, which is gone)
  --emulator           start the embedded emulator and talk to it
  --dialect D          h2o (default) or chat-ui
  --system TEXT        a system message before the prompt
  --temperature N      --max-new-tokens N   --truncate N   --repetition-penalty N
  --json               print one CompletionEvent per line
  --port N             (emulator) the port to listen on (default 8080)
  -h, --help           this help

Examples:
  h2o-rx --emulator "Hello!"
  h2o-rx --base-url https://chat.example.com --model falcon-7b "Why is the sky blue?"
  h2o-rx emulator --port 8080`;

const options = {
  model: { type: 'string', default: 'falcon-40b' },
  'base-url': { type: 'string' },
  emulator: { type: 'boolean', default: false },
  dialect: { type: 'string' },
  system: { type: 'string' },
  temperature: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  truncate: { type: 'string' },
  'repetition-penalty': { type: 'string' },
  json: { type: 'boolean', default: false },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const number = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

const fail = (message: string): never => {
  throw Object.assign(new Error(message), { usage: true });
};

const runEmulator = async (port: string | undefined, dialect: string | undefined) => {
  const emulator = await startEmulator({
    port: number(port) ?? 8080,
    dialect: dialect as Dialect | undefined,
  });
  process.stderr.write(`h2o-rx emulator listening on ${emulator.url} (Ctrl-C to stop)\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

// On a terminal, stderr shows the handshake as it goes; piped, it stays quiet.
const progress = (enabled: boolean) => (event: CompletionEvent) => {
  if (!enabled || event.type !== 'step') return;
  const mark = event.step === 'stream' ? 'streaming…\n' : '· ';
  process.stderr.write(`${event.step} ✓ ${Math.round(event.ms)} ms ${mark}`);
};

const runCompletion = async (prompt: string, values: Record<string, unknown>) => {
  const emulator = values.emulator
    ? await startEmulator({ dialect: values.dialect as Dialect | undefined })
    : undefined;
  try {
    const completionOptions: CompletionOptions = {
      baseUrl: emulator?.url ?? (values['base-url'] as string | undefined),
      dialect: values.dialect as Dialect | undefined,
      temperature: number(values.temperature as string | undefined),
      maxNewTokens: number(values['max-new-tokens'] as string | undefined),
      truncate: number(values.truncate as string | undefined),
      repetitionPenalty: number(values['repetition-penalty'] as string | undefined),
    };
    const system = values.system as string | undefined;
    const messages = [
      ...(system ? [{ role: 'system' as const, content: system }] : []),
      { role: 'user' as const, content: prompt },
    ];
    const json = values.json === true;
    const show = progress(!json && process.stderr.isTTY === true);
    await lastValueFrom(
      completionEvents$(values.model as string, messages, completionOptions).pipe(
        tap((event) => {
          if (json) process.stdout.write(`${JSON.stringify(event)}\n`);
          else if (event.type === 'token') process.stdout.write(event.text);
          show(event);
        }),
      ),
      { defaultValue: undefined },
    );
    if (!json) process.stdout.write('\n');
  } finally {
    await emulator?.close();
  }
};

/** Runs the `h2o-rx` command with `argv` (without node and the script); resolves to the exit code. */
export const main = async (argv: string[]): Promise<number> => {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals[0] === 'emulator') {
      await runEmulator(values.port, values.dialect);
      return -1; // keeps running until a signal
    }
    if (positionals.length !== 1) fail('give exactly one PROMPT (quote it)');
    await runCompletion(positionals[0], values);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`h2o-rx: ${message.split('\n')[0]}\n`);
    if (
      (err as { usage?: boolean }).usage ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write('Try h2o-rx --help\n');
    }
    return 1;
  }
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
