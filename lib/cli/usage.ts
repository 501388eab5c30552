import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatCommands } from './chat-input';

/** What `h2o-rx --help` prints. */
export const usage = `h2o-rx: stream a chat completion from a HuggingFace chat-ui server (or H2O's).

Usage:
  h2o-rx [options] "PROMPT"        stream the answer to stdout ("-" reads the prompt from stdin)
  h2o-rx chat [options]            a conversation on the terminal, each line a turn
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

Generation (completion$ options; the sampling ones, --temperature to --param, are dialect
h2o's: today's chat-ui takes none, its model configuration decides):
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
      --json                  print one CompletionEvent per line (steps, tokens, done, error)
  -q, --quiet                 no progress on stderr (it is shown only on a terminal anyway)

Chat ("chat": the server keeps the history; each line sends only itself):
${chatCommands}
  --system, --messages, --id, --response-id, --no-stream, --delete-after and --json are for
  one-shot answers only.

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
                              delete resume models; KIND: drop (the client's connection; the
                              answer goes on and is stored) backend-drop stall malformed
                              error-event no-final rerun reset
  -h, --help                  this help
  -v, --version               the version

Examples:
  h2o-rx --emulator "Hello!"
  h2o-rx --base-url https://chat.example.com --model falcon-7b -p top_p=0.9 "Why is the sky blue?"
  h2o-rx -u https://chat.example.com --dialect chat-ui -m llama3 "Hi"
  h2o-rx --emulator --json "Hi" | jq -c 'select(.type == "step")'
  git diff | h2o-rx -u https://chat.example.com -s "Review this diff." -
  h2o-rx chat --emulator
  h2o-rx chat -u https://chat.example.com --dialect chat-ui -m llama3
  h2o-rx emulator --port 8080 --token-delay 50 --fault conversation:503x2 --fault stream:drop@3

Exit status: 0 on success, 1 when the completion fails (one line on stderr; with --json also
a {"type":"error",…} line on stdout), 2 on bad usage, 130 on Ctrl-C and 143 on SIGTERM (the
answer is cancelled: stop-generating is sent and waited for at most 2 s). "chat" exits 0 at
Ctrl-D or /exit (a failed answer is shown and the session goes on) and 143 on SIGTERM.`;

/** A mistake in the command line: exit status 2 and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True for our own usage errors and for `node:util` parseArgs' (unknown flag, missing value). */
export const isUsageError = (err: unknown): err is Error =>
  err instanceof UsageError ||
  (err as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS') === true;

/** The package's version, read from the package.json above this file. */
export const version = (): string => {
  // lib/cli/usage.ts (run with tsx) and dist/cjs/cli/usage.js sit two and three levels below it.
  for (const up of ['../..', '../../..']) {
    const file = join(__dirname, up, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'h2o-rx') return manifest.version ?? 'unknown';
  }
  return 'unknown';
};
