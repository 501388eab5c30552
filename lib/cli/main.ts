#!/usr/bin/env node
import { timeout } from 'rxjs';
import { completionEvents$, h2oRetry } from '../index';
import { type Emulator, startEmulator } from '../testing';
import { parseCommandLine, type Values } from './args';
import { signalStatus, streamAnswer } from './answer';
import { runChat } from './chat';
import { emulatorOptions, runEmulator } from './emulator';
import { messagesOf } from './messages';
import { completionOptions, reliabilityOptions } from './options';
import { describe, errorEvent, reportError } from './output';
import { isUsageError, usage, UsageError, version } from './usage';

const runCompletion = async (prompt: string | undefined, values: Values): Promise<number> => {
  const messages = await messagesOf(values, prompt);
  const { retries, first, each } = reliabilityOptions(values);
  const model = values.model ?? 'falcon-40b';
  // Check the emulator's options before starting it.
  const emulatorSettings = values.emulator ? emulatorOptions(values, 0) : undefined;
  const completion = completionOptions(values, values['base-url']);
  let emulator: Emulator | undefined;
  try {
    if (emulatorSettings) {
      emulator = await startEmulator(emulatorSettings);
      completion.baseUrl = emulator.url;
    }
    const events$ = completionEvents$(model, messages, completion).pipe(
      timeout({ first, each }),
      h2oRetry({ count: retries }),
    );
    return await streamAnswer(events$, values);
  } finally {
    await emulator?.close();
  }
};

const run = async (positionals: string[], values: Values): Promise<number> => {
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (positionals[0] === 'emulator') {
    if (positionals.length > 1) throw new UsageError('"emulator" takes no PROMPT');
    return await runEmulator(values);
  }
  if (positionals[0] === 'chat') {
    if (positionals.length > 1) throw new UsageError('"chat" takes no PROMPT: type it');
    return await runChat(values);
  }
  if (positionals.length > 1) throw new UsageError('give one PROMPT (quote it)');
  return await runCompletion(positionals[0], values);
};

/** Runs the `h2o-rx` command with `argv` (without node and the script); resolves to the exit status. */
export const main = async (argv: string[]): Promise<number> => {
  let json = false;
  try {
    const { values, positionals } = parseCommandLine(argv);
    json = values.json === true;
    return await run(positionals, values);
  } catch (err) {
    if (!isUsageError(err)) {
      reportError(describe(err), json ? errorEvent(err) : undefined);
      return 1;
    }
    const event = json ? { type: 'error', name: 'UsageError', message: err.message } : undefined;
    reportError(`${err.message} (see h2o-rx --help)`, event);
    return 2;
  }
};

const cancelled: ReadonlySet<number> = new Set(Object.values(signalStatus));

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    // After a signal, a stop request the server never answered may still hold a socket open:
    // its 2 s are up, so leave without it.
    if (cancelled.has(code)) process.exit(code);
    process.exitCode = code;
  });
}
