#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Observable, type Subscription, timeout } from 'rxjs';
import { completionEvents$ } from './completion';
import { H2oError } from './errors';
import type { CompletionEvent } from './events';
import { fireAndForgetSettled } from './http/fire-and-forget';
import type { CompletionOptions, Dialect } from './options';
import type { Message } from './prompt';
import { h2oRetry } from './retry';
import { faultKinds, faultSteps } from './testing/faults';
import { startEmulator } from './testing';
import type { Emulator, EmulatorFault, EmulatorOptions, EmulatorStep } from './testing';

const usage = `h2o-rx: stream a chat completion from a HuggingFace chat-ui server (or H2O's).

Usage:
  h2o-rx [options] "PROMPT"        stream the answer to stdout ("-" reads the prompt from stdin)
  h2o-rx emulator [options]        run the emulator alone (prints its URL on stdout)

Server:
  -u, --base-url URL          the chat server (default https://gpt-gm.h2o.ai, which is gone)
  -e, --emulator              start the embedded emulator and talk to it
      --dialect D             h2o (default) or chat-ui
  -H, --header "NAME: VALUE"  an extra request header (repeatable)

Conversation:
  -m, --model NAME            falcon-40b (default), falcon-7b, llama-13b, or a full model id
  -s, --system TEXT           a system message before the prompt
      --messages FILE         earlier messages, a JSON array of { role, content } ("-": stdin)
      --allow-control-tokens  allow <|endoftext|>, <|prompt|>, <|answer|> inside messages

Generation (completion$ options):
      --temperature N         sampling temperature, > 0 (default 0.4)
      --max-new-tokens N      most tokens to generate (default 1024)
      --truncate N            input truncation in tokens (default 2048)
      --repetition-penalty N  > 0 (default 1.2)
      --no-do-sample          decode greedily
      --return-full-text      have the server echo the prompt first
  -p, --param KEY=VALUE       an extra generation parameter, VALUE as JSON if it parses
                              (repeatable: --param top_p=0.9 --param 'stop=["\\n"]')
      --end-token TEXT        the token that ends the answer (default <|endoftext|>)
      --id UUID               options.id of the stream request (default: a fresh v4)
      --response-id UUID      options.response_id (default: a fresh v4)
      --no-stream             print the whole answer once, at the end
      --max-line-bytes N      longest stream line accepted (default 16 MiB)
      --delete-after          delete the conversation once the answer is complete

Reliability:
      --timeout MS            give up on an attempt with no first token after MS (default 60000)
      --idle-timeout MS       … or with MS between tokens (default 30000)
      --retry N               retries on retryable errors before the first token (default 2)

Output:
      --json                  print one CompletionEvent per line (steps, tokens, done)
  -q, --quiet                 no progress on stderr (it is shown only on a terminal anyway)

Emulator (with "emulator" or --emulator):
      --port N                port to listen on ("emulator": default 8080; 0: any free port)
      --host HOST             host to listen on (default 127.0.0.1)
      --token-delay MS        delay between tokens (default 10)
      --latency MS            delay before every response
      --reply TEXT            the answer to every prompt (default: echoes the prompt)
      --rate-limit N          messages a session may send per minute before 429
      --static DIR            a folder served at / beside the API
      --fault SPEC            STEP:STATUS or STEP:KIND, then @AFTER_TOKENS, then xTIMES
                              (repeatable). STEP: session settings conversation stream stop
                              delete models; KIND: drop stall malformed error-event no-final reset
  -h, --help                  this help
  -v, --version               the version

Examples:
  h2o-rx --emulator "Hello!"
  h2o-rx --base-url https://chat.example.com --model falcon-7b "Why is the sky blue?"
  h2o-rx -u https://chat.example.com --dialect chat-ui -m llama3 -p top_p=0.9 "Hi"
  h2o-rx --emulator --json "Hi" | jq -c 'select(.type == "step")'
  git diff | h2o-rx -u https://chat.example.com -s "Review this diff." -
  h2o-rx emulator --port 8080 --token-delay 50 --fault conversation:503x2 --fault stream:drop@3

Exit status: 0 on success, 1 when the completion fails (one line on stderr), 2 on bad usage.`;

const options = {
  'base-url': { type: 'string', short: 'u' },
  emulator: { type: 'boolean', short: 'e' },
  dialect: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  model: { type: 'string', short: 'm' },
  system: { type: 'string', short: 's' },
  messages: { type: 'string' },
  'allow-control-tokens': { type: 'boolean' },
  temperature: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  truncate: { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'no-do-sample': { type: 'boolean' },
  'return-full-text': { type: 'boolean' },
  param: { type: 'string', short: 'p', multiple: true },
  'end-token': { type: 'string' },
  id: { type: 'string' },
  'response-id': { type: 'string' },
  'no-stream': { type: 'boolean' },
  'max-line-bytes': { type: 'string' },
  'delete-after': { type: 'boolean' },
  timeout: { type: 'string' },
  'idle-timeout': { type: 'string' },
  retry: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  port: { type: 'string' },
  host: { type: 'string' },
  'token-delay': { type: 'string' },
  latency: { type: 'string' },
  reply: { type: 'string' },
  'rate-limit': { type: 'string' },
  static: { type: 'string' },
  fault: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** A mistake in the command line: exit status 2 and a pointer to --help. */
class UsageError extends Error {}

const number = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`--${flag} needs a number, got '${value}'`);
  }
  return n;
};

const dialectOf = (value: string | undefined): Dialect | undefined => {
  if (value === undefined || value === 'h2o' || value === 'chat-ui') return value;
  throw new UsageError(`--dialect is h2o or chat-ui, got '${value}'`);
};

const headersOf = (values: string[] | undefined): Record<string, string> | undefined => {
  if (!values) return undefined;
  return Object.fromEntries(
    values.map((header) => {
      const colon = header.indexOf(':');
      if (colon <= 0) throw new UsageError(`--header is "NAME: VALUE", got '${header}'`);
      return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
    }),
  );
};

const parametersOf = (values: string[] | undefined): Record<string, unknown> | undefined => {
  if (!values) return undefined;
  return Object.fromEntries(
    values.map((param) => {
      const eq = param.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param is KEY=VALUE, got '${param}'`);
      const raw = param.slice(eq + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // not JSON: the plain string
      }
      return [param.slice(0, eq), value];
    }),
  );
};

/** `conversation:503x2`, `stream:drop@3`, `session:reset`: see --help. */
export const parseFault = (spec: string): EmulatorFault => {
  const match = /^([a-z]+):([a-z-]+|\d{3})(?:@(\d+))?(?:x(\d+))?$/.exec(spec);
  const step = match?.[1] as EmulatorStep | undefined;
  if (!match || !step || !faultSteps.includes(step)) {
    throw new UsageError(`--fault is STEP:STATUS or STEP:KIND[@AFTER][xTIMES], got '${spec}'`);
  }
  const [, , what, after, times] = match;
  const fault: EmulatorFault = { step };
  if (/^\d{3}$/.test(what)) fault.status = Number(what);
  else if ((faultKinds as readonly string[]).includes(what))
    fault.kind = what as EmulatorFault['kind'];
  else throw new UsageError(`--fault: unknown kind '${what}' (one of ${faultKinds.join(', ')})`);
  if (after !== undefined) fault.afterTokens = Number(after);
  if (times !== undefined) fault.times = Number(times);
  return fault;
};

const emulatorOptions = (values: Values, defaultPort: number): EmulatorOptions => {
  const reply = values.reply;
  return {
    port: number('port', values.port) ?? defaultPort,
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

const version = (): string => {
  // lib/cli.ts (run with tsx) and dist/cjs/cli.js sit one and two levels below package.json.
  for (const up of ['..', '../..']) {
    const file = join(__dirname, up, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'h2o-rx') return manifest.version ?? 'unknown';
  }
  return 'unknown';
};

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const messagesOf = async (values: Values, prompt: string | undefined): Promise<Message[]> => {
  const messages: Message[] = [];
  if (values.system !== undefined) messages.push({ role: 'system', content: values.system });
  if (values.messages !== undefined) {
    const text =
      values.messages === '-' ? await readStdin() : readFileSync(values.messages, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`--messages ${values.messages}: not JSON`);
    }
    if (!Array.isArray(parsed)) throw new UsageError(`--messages ${values.messages}: not an array`);
    messages.push(...(parsed as Message[]));
  }
  if (prompt !== undefined) {
    const content = prompt === '-' ? (await readStdin()).replace(/\n$/, '') : prompt;
    messages.push({ role: 'user', content });
  }
  return messages;
};

const completionOptions = (values: Values, baseUrl: string | undefined): CompletionOptions => {
  const all: CompletionOptions = {
    baseUrl,
    dialect: dialectOf(values.dialect),
    headers: headersOf(values.header),
    temperature: number('temperature', values.temperature),
    maxNewTokens: number('max-new-tokens', values['max-new-tokens']),
    truncate: number('truncate', values.truncate),
    repetitionPenalty: number('repetition-penalty', values['repetition-penalty']),
    doSample: values['no-do-sample'] ? false : undefined,
    returnFullText: values['return-full-text'] || undefined,
    parameters: parametersOf(values.param),
    endToken: values['end-token'],
    id: values.id,
    responseId: values['response-id'],
    stream: values['no-stream'] ? false : undefined,
    maxLineBytes: number('max-line-bytes', values['max-line-bytes']),
    deleteAfter: values['delete-after'] || undefined,
    allowControlTokens: values['allow-control-tokens'] || undefined,
  };
  // Only what was given: the library applies its own defaults.
  return Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined),
  ) as CompletionOptions;
};

/** Handshake progress on a terminal: `session ✓ 12 ms · settings ✓ 3 ms · … · streaming…`. */
const progressLine = (err: NodeJS.WriteStream, enabled: boolean) => {
  const color = enabled && err.hasColors?.() === true && !('NO_COLOR' in process.env);
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const started = performance.now();
  let open = false;
  return {
    step(event: CompletionEvent) {
      if (!enabled || event.type !== 'step') return;
      const separator = open ? paint(2, ' · ') : '';
      const text =
        event.step === 'stream'
          ? `${paint(2, 'streaming…')}\n`
          : `${event.step} ${paint(32, '✓')} ${paint(2, `${Math.round(event.ms)} ms`)}`;
      err.write(separator + text);
      open = event.step !== 'stream';
    },
    done(tokens: number) {
      if (!enabled) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      err.write(`${paint(32, '✓')} ${paint(2, `${tokens} tokens · ${seconds} s`)}\n`);
    },
    /** Ends a half-written progress line before an error message. */
    close() {
      if (open) err.write('\n');
      open = false;
    },
  };
};

const describe = (err: unknown): string => {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (err instanceof H2oError) return `${err.name} (${err.step}): ${message}`;
  if (err instanceof Error && err.name !== 'Error') return `${err.name}: ${message}`;
  return message;
};

/**
 * Streams `events$` to stdout until it ends; resolves to the exit status. A closed stdout
 * (`| head`) unsubscribes (which aborts the request and stops the generation) and exits 0.
 */
const stream = (events$: Observable<CompletionEvent>, values: Values): Promise<number> => {
  const json = values.json === true;
  const progress = progressLine(
    process.stderr,
    !json && !values.quiet && process.stderr.isTTY === true,
  );
  return new Promise<number>((resolve) => {
    let stdoutClosed = false;
    let ended = false;
    let lastChar = '\n';
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      process.stdout.off('error', onStdoutError);
      resolve(code);
    };
    const onStdoutError = (err: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      subscription.unsubscribe();
      if (err.code !== 'EPIPE') {
        progress.close();
        process.stderr.write(`h2o-rx: stdout: ${err.message}\n`);
      }
      finish(err.code === 'EPIPE' ? 0 : 1);
    };
    const out = (text: string) => {
      if (stdoutClosed || text === '') return;
      lastChar = text[text.length - 1];
      process.stdout.write(text);
    };
    process.stdout.on('error', onStdoutError);
    let tokens = 0;
    const subscription: Subscription = events$.subscribe({
      next: (event) => {
        if (json) out(`${JSON.stringify(event)}\n`);
        progress.step(event);
        if (event.type === 'token') tokens++;
        if (json) return;
        if (event.type === 'token') out(event.text);
        // --no-stream: the whole answer arrives once, as a done event's text.
        if (event.type === 'done' && values['no-stream']) out(event.text);
      },
      error: (err: unknown) => {
        if (!json && lastChar !== '\n') out('\n');
        progress.close();
        process.stderr.write(`h2o-rx: ${describe(err)}\n`);
        finish(1);
      },
      complete: () => {
        if (!json && lastChar !== '\n') out('\n');
        progress.done(tokens);
        finish(0);
      },
    });
    if (ended) subscription.unsubscribe();
  });
};

const runCompletion = async (prompt: string | undefined, values: Values): Promise<number> => {
  const messages = await messagesOf(values, prompt);
  if (messages.every((m) => m.role !== 'user')) {
    throw new UsageError('give a PROMPT (quote it), "-" to read it from stdin, or --messages');
  }
  const retries = number('retry', values.retry) ?? 2;
  const first = number('timeout', values.timeout) ?? 60_000;
  const each = number('idle-timeout', values['idle-timeout']) ?? 30_000;
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
    const code = await stream(events$, values);
    // A stop-generating on its way (unref'd, so it would not keep the process alive): at most 2 s.
    await fireAndForgetSettled();
    return code;
  } finally {
    await emulator?.close();
  }
};

const runEmulator = async (values: Values): Promise<number> => {
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

/** Runs the `h2o-rx` command with `argv` (without node and the script); resolves to the exit status. */
export const main = async (argv: string[]): Promise<number> => {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
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
    if (positionals.length > 1) throw new UsageError('give one PROMPT (quote it)');
    return await runCompletion(positionals[0], values);
  } catch (err) {
    const usageError =
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const message = usageError ? (err as Error).message : describe(err);
    process.stderr.write(`h2o-rx: ${message}${usageError ? ' (see h2o-rx --help)' : ''}\n`);
    return usageError ? 2 : 1;
  }
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
