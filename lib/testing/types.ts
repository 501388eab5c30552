/** A handshake step or endpoint of the emulator, as named in faults and records. */
export type EmulatorStep =
  | 'session' // GET /
  | 'settings' // POST /settings
  | 'conversation' // POST /conversation (chat-ui: also GET /api/v2/conversations/:id)
  | 'stream' // POST /conversation/:id
  | 'stop' // POST /conversation/:id/stop-generating
  | 'delete' // DELETE /conversation/:id
  | 'resume' // GET /conversation/:id/stream (dialect chat-ui: the resume channel)
  | 'models'; // GET /api/models

/**
 * A failure the emulator injects into the next `times` requests of one step, then behaves
 * normally again. Exactly one of `status` or `kind` is given.
 */
export interface EmulatorFault {
  /** Which step fails. */
  step: EmulatorStep;
  /** How many matching requests fail before the emulator is normal again (default 1). */
  times?: number;
  /** Answer with this HTTP status (instead of the normal answer). */
  status?: number;
  /** The body of a `status` fault (default: the real server's JSON body for that status). */
  body?: string;
  /** Content type of a `status` fault (default `application/json`). */
  contentType?: string;
  /** Extra response headers of a `status` fault, e.g. `{ 'retry-after': '2' }`. */
  headers?: Record<string, string>;
  /**
   * Stream faults (step `stream`), after `afterTokens` ordinary tokens (default 2):
   * - `drop`: the client's connection drops (the server destroys the socket mid-body, the
   *   chunked body never terminates) while the generation goes on to the end and is stored, as
   *   both real servers do with a client that leaves: in dialect `h2o` the turn appears in
   *   `__data.json` once whole; in dialect `chat-ui` the stored message grows and the resume
   *   channel serves it;
   * - `backend-drop`: the model backend drops mid-answer. Dialect `h2o`: the socket is destroyed
   *   and nothing of the turn is stored. Dialect `chat-ui`: the server retries once, the same
   *   tokens come again, then `{"type":"status","status":"error","message":"terminated"}` and a
   *   clean end;
   * - `stall`: send nothing more (no keep-alives either), keep the socket open until the client
   *   closes it;
   * - `malformed`: send a line whose JSON does not parse, then end cleanly;
   * - `error-event`: send the in-band error (TGI's `{"error":…,"error_type":"generation"}`; in
   *   dialect `chat-ui`, keep-alives while the server retries its backend, then
   *   `{"type":"status","status":"error","message":…}`), end cleanly;
   * - `no-final`: end the body cleanly without the final event;
   * - `rerun` (dialect `chat-ui` only): the server's backend retry that succeeds: the tokens
   *   already streamed are streamed again from the start, and only `finalAnswer.text` is right.
   * Any step: `reset` destroys the socket before any response is written.
   */
  kind?:
    | 'drop'
    | 'backend-drop'
    | 'stall'
    | 'malformed'
    | 'error-event'
    | 'no-final'
    | 'reset'
    | 'rerun';
  /** For stream faults: ordinary tokens sent before the fault (default 2). */
  afterTokens?: number;
  /**
   * For `error-event`: the error's message (default: the dialect's usual backend failure). In
   * dialect `chat-ui` a message that starts with an HTTP status (`"500 …"`, as the OpenAI SDK
   * writes them) also sets the update's `statusCode`.
   */
  message?: string;
}

/** One request the emulator received. */
export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  /** Which step it was routed to, if any. */
  step?: EmulatorStep;
  /** Request headers, lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as text. */
  body: string;
  /** The status the emulator answered (undefined if it never answered). */
  status?: number;
  /** True when the client closed the connection before the response ended. */
  closedEarly: boolean;
  /** True once the response has ended or the connection closed. */
  finished: boolean;
  /**
   * Dialect `chat-ui`: what the server read from the body beside the text: the stream's files,
   * MCP selection and timezone, the conversation's preprompt. Absent when the body had none.
   */
  inputs?: RecordedInputs;
}

/** What dialect `chat-ui` read from a request's body, for tests to assert what was sent. */
export interface RecordedInputs {
  /** The stream's `files` parts, in order (empty parts are skipped, as the server skips them). */
  files?: RecordedFile[];
  /** `POST /conversation`'s `preprompt`, as given. */
  preprompt?: string;
  /** The stream `data`'s `selectedMcpServerNames`, as given. */
  selectedMcpServerNames?: string[];
  /** The stream `data`'s `selectedMcpServers`, as given. */
  selectedMcpServers?: { name: string; url: string; headers?: { key: string; value: string }[] }[];
  /** The stream `data`'s `timezone`, as given. */
  timezone?: string;
}

/** One `files` part of a stream request. */
export interface RecordedFile {
  /** The file's name: the part's filename after `base64;` (or `hash;`). */
  name: string;
  /** What the filename says the body is: `base64` (the file), `hash` (a stored file's sha). */
  encoding: string;
  /** The part's Content-Type. */
  mime: string;
  /** The file's bytes, base64-decoded (for `hash`: the part's text). */
  data: Uint8Array;
  /** The sha the server stored the file under (its `files[].value`). */
  sha: string;
}

/** One model of the emulated chat-ui server, with what it can do (all default false). */
export interface EmulatorChatUiModel {
  id: string;
  multimodal?: boolean;
  /** The file types a multimodal model takes, as the server lists them (e.g. `["image/*"]`). */
  multimodalAcceptedMimetypes?: string[];
  supportsTools?: boolean;
  supportsReasoning?: boolean;
}

/** How the reasoning model thinks; all optional. */
export interface EmulatorReasoningOptions {
  /** How long the reasoning phase lasts before the answer's first token, in ms (default 30000). */
  durationMs?: number;
  /** How many reasoning tokens it streams over that time (default 20; `hidden` sends none). */
  tokens?: number;
  /**
   * How the reasoning reaches the wire:
   * - `think` (default, what chat-ui v0.20 writes for an OpenAI-compatible backend's
   *   `reasoning_content`): `stream` tokens, the first opening `<think>`, the first answer
   *   token starting with `</think>`; `finalAnswer.text` holds the whole `<think>…</think>`;
   * - `updates`: chat-ui's own reasoning updates (a model configured with
   *   `reasoning: {type:"tokens", beginToken:"", endToken:"</think>"}`, a path v0.20's code has
   *   but its config schema no longer reaches): `reasoning` status `Started reasoning...`,
   *   `reasoning` stream tokens (unpadded), status `Done in <n>s.`, then the answer alone;
   * - `hidden`: a backend that thinks without streaming it: only keep-alives for the phase.
   */
  wire?: 'think' | 'updates' | 'hidden';
}

/** The tool call the tool-calling model makes for a prompt. */
export interface EmulatorToolCall {
  /** The tool's name (default `search`). */
  name: string;
  /** Its arguments (default `{ query: <prompt> }`). */
  parameters: Record<string, string | number | boolean>;
  /** The tool's text output (default `Results for <prompt>`); ignored when `error` is given. */
  output?: string;
  /** The tool fails with this message: a `tool` `error` update instead of a result. */
  error?: string;
  /** Progress reports before the answer, `progress` of `total`. */
  progress?: { progress: number; total?: number; message?: string }[];
  /** How long the tool runs, in ms (default 0). */
  durationMs?: number;
}

/** What the emulated server gave its model for one answer: the prompt `reply` was called with. */
export interface RecordedPrompt {
  /** The conversation the answer belongs to. */
  conversationId: string;
  /**
   * Dialect `h2o`: the whole history in the model's turns, as chat-ui sent TGI `inputs`
   * (`<|prompt|>u1<|endoftext|><|answer|>a1<|endoftext|><|prompt|>u2<|endoftext|><|answer|>`).
   * Dialect `chat-ui`: the content of the user message being answered.
   */
  prompt: string;
  /**
   * Dialect `h2o`: the request's `parameters`, passed to TGI unchanged. Dialect `chat-ui`: what
   * the server sent its OpenAI-style backend: `{ model, messages }`, the history along the branch
   * (`{ role, content }` each, the empty system root left out).
   */
  params: Record<string, unknown>;
  /** Dialect `chat-ui`: the files of the user message being answered, as stored. */
  files?: { name: string; mime: string; sha: string }[];
}

/** Options of {@link startEmulator}; all optional. */
export interface EmulatorOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Host to listen on (default `127.0.0.1`). */
  host?: string;
  /** Milliseconds added before each response. */
  latencyMs?: number;
  /** Milliseconds between tokens of a stream (default 0). */
  tokenDelayMs?: number;
  /**
   * The answer for a prompt: a string (split into word tokens) or its tokens, at once, as a
   * Promise, or as an async iterable of tokens (read to its end before the answer streams: pace
   * the tokens with `tokenDelayMs`). A `reply` that throws (or rejects) fails the
   * stream in-band with its message, as a backend failure would. Like the real servers, the
   * emulator keeps each conversation's history and builds the model's input from it; `reply`
   * gets what the model would:
   * - dialect `h2o`: `prompt` is the whole history in the model's turns, exactly the `inputs`
   *   chat-ui sent TGI (`<|prompt|>u1<|endoftext|><|answer|>a1<|endoftext|><|prompt|>u2<|endoftext|><|answer|>`,
   *   cut to its last 2048 words); `params` is the request's `parameters`;
   * - dialect `chat-ui`: `prompt` is the content of the user message being answered (empty for
   *   an `is_continue` turn); `params` is what the server sent its OpenAI-style backend:
   *   `{ model, messages }`, the history along the branch as `{ role, content }`, the empty
   *   system root left out (a regenerate's history ends with the user message, without the
   *   answer it replaces).
   * Every call is also recorded in {@link Emulator.prompts}.
   */
  reply?: (
    prompt: string,
    params: Record<string, unknown>,
  ) => string | string[] | Promise<string | string[]> | AsyncIterable<string>;
  /** Which protocol to speak (default `'h2o'`). */
  dialect?: 'h2o' | 'chat-ui';
  /** Faults to inject from the start. */
  faults?: EmulatorFault[];
  /** A folder served at `/` beside the API (GET only; `index.html` for `/`). */
  static?: string;
  /** Messages a session may send per minute before `429` (default: no limit). */
  rateLimit?: number;
  /**
   * How many sessions the server keeps (default 10 000); past it the least recently used is
   * forgotten (its cookie then starts a new session), so a long-running emulator stays bounded.
   */
  maxSessions?: number;
  /**
   * How many conversations the server keeps (default 10 000); past it the least recently used
   * is dropped, never one whose answer is still being generated.
   */
  maxConversations?: number;
  /**
   * How long after an answer's stream has ended the server's save of it lands, in ms (default
   * 10). Both chat-ui versions store a turn only after the client has seen it end (2023: once
   * the backend stream is read; today: after `finished`, with the whole messages array as the
   * request loaded it, so the last save wins): a turn sent before the save builds its prompt
   * without that answer.
   */
  saveDelayMs?: number;
  /** Dialect `h2o` only: how this server differs from the emulator's defaults. */
  h2o?: EmulatorH2oOptions;
  /** Dialect `chat-ui` only: how this server differs from the emulator's defaults. */
  chatUi?: EmulatorChatUiOptions;
}

/** Options of dialect `h2o`; all optional. */
export interface EmulatorH2oOptions {
  /**
   * How often the 2023 server reads its stop records, in ms (default 1000, as chat-ui's loop
   * did). A stop-generating records the time of the conversation's first stop (kept until 30 s
   * pass without one); a generation is stopped at its next token once the server has read a
   * record newer than the generation's start: up to this long after the stop, and every
   * generation of the conversation that began before it.
   */
  stopCheckMs?: number;
}

/** Options of dialect `chat-ui`; all optional. */
export interface EmulatorChatUiOptions {
  /**
   * The models the server lists and accepts (default: H2O's three, `llama3`, `mistral`, then
   * `reasoner`, `tool-caller` and `vision`: {@link REASONING_MODEL_ID}, {@link TOOL_MODEL_ID},
   * {@link VISION_MODEL_ID}). An id alone is a plain model, unless it is one of those three.
   */
  models?: (string | EmulatorChatUiModel)[];
  /** How the reasoning model (`supportsReasoning`) thinks: scale its 30 s phase down here. */
  reasoning?: EmulatorReasoningOptions;
  /**
   * The MCP servers the server is configured with (its `MCP_SERVERS`; default one, `tools`),
   * listed at `GET /api/mcp/servers`. A tool-calling model calls a tool when the turn's
   * selection leaves a server: these, plus the request's `selectedMcpServers`, filtered by its
   * `selectedMcpServerNames` when given (as chat-ui does); otherwise it just answers.
   */
  mcpServers?: { name: string; url: string }[];
  /** The tool call the tool-calling model makes for a prompt (default: `search`). */
  tool?: (prompt: string) => EmulatorToolCall;
  /** The title the server gives a conversation on its first turn (default: its first words). */
  title?: (inputs: string) => string;
  /**
   * Answer like an older chat-ui: `POST /conversation` gives only `{"conversationId"}` and no
   * conversation JSON has `rootMessageId` (clients then read it from
   * `GET /api/v2/conversations/<id>`: `messages[0].id`).
   */
  omitRootMessageId?: boolean;
  /** How long the server retries its backend before an `error-event` fault's error (default 250). */
  backendRetryMs?: number;
}

/** A running emulator. */
export interface Emulator {
  /** `http://HOST:PORT`, no trailing slash. */
  readonly url: string;
  /** Every request received so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every prompt given to the model so far (one per answer generated), in order. */
  readonly prompts: RecordedPrompt[];
  /** Add faults at run time. */
  inject(...faults: EmulatorFault[]): void;
  /**
   * Forget recorded requests and pending faults. Requests of before that are still in flight,
   * and the stop-generating or DELETE a client sends after a stream of before, stay out of the
   * new log (and take none of its faults).
   */
  reset(): void;
  /** Connections currently open on the server. */
  openConnections(): number;
  /**
   * Resolves once every in-flight response has finished, every answer the server goes on
   * generating after its client left has been stored, and every stop-generating that is on its
   * way has arrived and been answered (or `timeoutMs`, default 2000, passed). A stream the
   * client closed early is followed by its stop-generating, so that one is waited for (up to
   * 2.5 s after the close). The `deleteAfter` DELETE is waited for only once it has arrived:
   * nothing the client sends tells the emulator it will come, so a test that expects it waits
   * for it in `requests`.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Stop listening and destroy every open connection. */
  close(): Promise<void>;
}
