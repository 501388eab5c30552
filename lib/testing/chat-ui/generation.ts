import type { ChatUiSession } from './answers';
import type { ChatUiConversation, ChatUiMessage, StreamStop } from './store';
import {
  errorUpdate,
  FINISHED_LINE,
  PADDING,
  finalAnswerLine,
  KEEP_ALIVE,
  KEEP_ALIVE_MS,
  MALFORMED_LINE,
  STARTED,
  titleLine,
  tokenLine,
  updateLine,
} from './updates';
import type { GenerationRun, RunStatus, StoredUpdate } from './run';
import type { Exchange } from '../server/exchange';
import type { EmulatorFault } from '../types';

/** A message's stored fields, as a request loaded them. */
export interface Saved {
  content: string;
  interrupted?: boolean;
}

/** What one stream writes, and where. */
export interface Generation {
  session: ChatUiSession;
  conversation: ChatUiConversation;
  /** The assistant message the answer is written to. */
  message: ChatUiMessage;
  /** The conversation's other messages as the request loaded them: its save writes them back. */
  loaded: Map<ChatUiMessage, Saved>;
  /** The run's log, which the resume channel replays. */
  run: GenerationRun;
  /** What the model sends before the answer's tokens: its reasoning, its tool calls. */
  lead?: LeadStep[];
  /** The tokens of the answer. */
  tokens: string[];
  /** The inference provider the backend names (`x-inference-provider`), if any. */
  provider?: string;
  /** The title to send, on a conversation's first turn only. */
  title?: string;
  fault?: EmulatorFault;
  /** How long the server retries its backend before giving up (`error-event`). */
  backendRetryMs: number;
}

/**
 * One step before the answer, `delayMs` after the one before it: a `token` of the answer's
 * content (a reasoning model's `<think>` text), an `update` beside it (reasoning, tool), or
 * nothing but the wait (a backend thinking in silence: only keep-alives meanwhile).
 */
export type LeadStep = { delayMs: number } & (
  { token: string } | { update: Record<string, unknown> } | Record<never, never>
);

// What the OpenAI SDK reports for a backend 500 without a body.
const BACKEND_ERROR = '500 status code (no body)';
// What undici reports when the backend's socket closes mid-body (04b).
const DROPPED = 'terminated';

/**
 * Streams the answer as chat-ui v0.20 does: `started`, keep-alives every 100 ms from the start,
 * the title, padded tokens `tokenDelayMs` apart, then `finalAnswer`, 4096 spaces and `finished`.
 * Failures stay in-band (a stream fault, or stop-generating's interrupted answer), and the
 * message is stored as it goes, as chat-ui persists it. A client that leaves does not stop it:
 * the answer goes on to the end, into the message and the run's log.
 */
export const generate = async (x: Exchange, g: Generation): Promise<void> => {
  const { conversation, message, tokens, fault, run } = g;
  const initialContent = message.content;
  // What the run's log ends with; a failure unless the answer finished or was stopped.
  let status: RunStatus = 'error';
  // `logged` is the update as the run's log keeps it (tokens whole); the message keeps lengths.
  const store = (update: StoredUpdate, logged: StoredUpdate = update) => {
    message.updates?.push(update);
    run.push(logged);
    message.updatedAt = new Date();
    conversation.updatedAt = message.updatedAt;
  };
  let stopped: { seen?: number } | undefined;
  const stop: StreamStop = (seen) => {
    stopped ??= { seen };
  };
  let streamed = '';
  let paced = false;
  const sendToken = async (token: string) => {
    // The OpenAI endpoint skips empty deltas: nothing goes out for an empty token.
    if (token === '') return;
    streamed += token;
    message.content = initialContent + streamed;
    store({ type: 'stream', token: '', len: token.length }, { type: 'stream', token });
    await x.write(tokenLine(token));
  };
  const sendTokens = async (list: string[]): Promise<'sent' | 'stopped'> => {
    for (const token of list) {
      if (paced && x.settings.tokenDelayMs > 0) await x.sleep(x.settings.tokenDelayMs);
      paced = true;
      if (stopped) return 'stopped';
      await sendToken(token);
    }
    return 'sent';
  };
  const sendLead = async (): Promise<'sent' | 'stopped'> => {
    for (const step of g.lead ?? []) {
      if (step.delayMs > 0) await x.sleep(step.delayMs);
      if (stopped) return 'stopped';
      if ('token' in step) await sendToken(step.token);
      if ('update' in step) {
        const { update } = step;
        // chat-ui keeps a reasoning model's thinking on the message, beside its content.
        if (update.type === 'reasoning' && update.subtype === 'stream') {
          message.reasoning = (message.reasoning ?? '') + String(update.token);
        }
        store(update);
        await x.write(updateLine(update));
      }
    }
    return 'sent';
  };

  conversation.streams.add(stop);
  x.head(200, {
    vary: 'Accept-Encoding',
    'content-type': 'application/jsonl',
    ...(g.session.cookie === undefined ? {} : { 'set-cookie': g.session.cookie }),
  });
  // A client that stops reading leaves writes pending (each holding a listener on the
  // response): one keep-alive waits at a time, and the others are skipped until it is out.
  let keepAliveOut = false;
  const keepAlive = setInterval(() => {
    if (x.isGone() || keepAliveOut) return;
    keepAliveOut = true;
    void x.write(KEEP_ALIVE).then(() => (keepAliveOut = false));
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const quiet = () => clearInterval(keepAlive);

  // chat-ui's save after the generation: the whole messages array as the request loaded it
  // (what other turns stored meanwhile is written over), then the body ends.
  const save = async (interrupted?: boolean) => {
    if (x.settings.saveDelayMs > 0) await x.sleep(x.settings.saveDelayMs);
    for (const [m, saved] of g.loaded) {
      m.content = saved.content;
      m.interrupted = saved.interrupted;
      m.unsaved = undefined;
    }
    message.unsaved = undefined;
    if (interrupted !== undefined) message.interrupted = interrupted;
    x.end();
  };
  const finish = async (text: string, interrupted: boolean) => {
    quiet();
    message.content = initialContent + text;
    status = interrupted ? 'interrupted' : 'completed';
    store({ type: 'finalAnswer', text, interrupted });
    await x.write(finalAnswerLine(text, interrupted));
    // chat-ui pads right after finalAnswer.
    await x.write(PADDING);
    if (g.provider !== undefined && !interrupted) {
      // The OpenAI adapter yields the header's provider after the last chunk: it comes after
      // finalAnswer and its padding, before finished.
      const update = { type: 'routerMetadata', route: '', model: '', provider: g.provider };
      message.routerMetadata = { route: '', model: '', provider: g.provider };
      store(update);
      await x.write(updateLine(update));
    }
    store({ type: 'status', status: 'finished' });
    await x.write(FINISHED_LINE);
    await save(interrupted);
  };
  const fail = async (errorMessage: string) => {
    quiet();
    const update = errorUpdate(errorMessage);
    store(update);
    await x.write(updateLine(update));
    await save();
  };
  // Stop-generating: the answer so far, cut to what the user saw.
  const interrupt = () => finish(streamed.slice(0, stopped?.seen ?? streamed.length), true);

  try {
    store({ type: 'status', status: 'started' });
    await x.write(STARTED);
    await x.write(KEEP_ALIVE);
    if (g.title !== undefined) {
      conversation.title = g.title;
      store({ type: 'title', title: g.title });
      await x.write(titleLine(g.title));
    }
    if ((await sendLead()) === 'stopped') return await interrupt();
    const lead = streamed;
    const count = fault ? Math.min(fault.afterTokens ?? 2, tokens.length) : tokens.length;
    const first = await sendTokens(tokens.slice(0, count));
    if (first === 'stopped') return await interrupt();
    const whole = (lead + tokens.join('')).trimEnd();
    if (!fault) return await finish(whole, false);
    switch (fault.kind) {
      case 'drop': {
        // The client's connection drops; the server goes on to the end and stores it.
        x.cut();
        const rest = await sendTokens(tokens.slice(count));
        return await (rest === 'stopped' ? interrupt() : finish(whole, false));
      }
      case 'backend-drop': {
        // The backend dropped: chat-ui retries once, the retry drops at the same place.
        const again = await sendTokens(tokens.slice(0, count));
        return await (again === 'stopped' ? interrupt() : fail(DROPPED));
      }
      case 'rerun': {
        // The retry succeeds: every token again from the start; only finalAnswer is right.
        const again = await sendTokens(tokens);
        return await (again === 'stopped' ? interrupt() : finish(whole, false));
      }
      case 'error-event':
        if (g.backendRetryMs > 0) await x.sleep(g.backendRetryMs);
        return await (stopped ? interrupt() : fail(fault.message ?? BACKEND_ERROR));
      case 'malformed':
        quiet();
        await x.write(MALFORMED_LINE);
        return await save();
      case 'stall':
        // The backend hangs: the run stays running, as it would until chat-ui's reaper.
        status = 'running';
        return quiet();
      default:
        quiet();
        return await save();
    }
  } finally {
    quiet();
    conversation.streams.delete(stop);
    message.materializedSeq = run.seal();
    if (status !== 'running') run.finish(status);
  }
};
