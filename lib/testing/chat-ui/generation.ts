import type { ChatUiSession } from './answers';
import type { ChatUiConversation, ChatUiMessage, StoredUpdate, StreamStop } from './store';
import {
  errorUpdate,
  FINISHED,
  finalAnswerLine,
  KEEP_ALIVE,
  KEEP_ALIVE_MS,
  MALFORMED_LINE,
  STARTED,
  titleLine,
  tokenLine,
  updateLine,
} from './updates';
import type { Exchange } from '../server/exchange';
import type { TokenFeed } from '../shared/reply';
import type { EmulatorFault } from '../types';

/** What one stream writes, and where. */
export interface Generation {
  session: ChatUiSession;
  conversation: ChatUiConversation;
  /** The assistant message the answer is written to. */
  message: ChatUiMessage;
  /** The tokens of the answer, as the reply yields them. */
  tokens: TokenFeed;
  /** The title to send, on a conversation's first turn only. */
  title?: string;
  fault?: EmulatorFault;
  /** How long the server retries its backend before giving up (`error-event`). */
  backendRetryMs: number;
}

// What the OpenAI SDK reports for a backend 500 without a body.
const BACKEND_ERROR = '500 status code (no body)';
// What undici reports when the backend's socket closes mid-body (04b).
const DROPPED = 'terminated';

/**
 * Streams the answer as chat-ui v0.20 does: `started`, keep-alives every 100 ms from the start,
 * the title, padded tokens `tokenDelayMs` apart, then `finalAnswer`, 4096 spaces and `finished`.
 * Failures stay in-band (a stream fault, or stop-generating's interrupted answer), and the
 * message is stored as it goes, as chat-ui persists it.
 */
export const generate = async (x: Exchange, g: Generation): Promise<void> => {
  const { conversation, message, tokens, fault } = g;
  const initialContent = message.content;
  const store = (update: StoredUpdate) => {
    message.updates?.push(update);
    message.updatedAt = new Date();
    conversation.updatedAt = message.updatedAt;
  };
  let stopped: { seen?: number } | undefined;
  const stop: StreamStop = (seen) => {
    stopped ??= { seen };
  };
  let streamed = '';
  let paced = false;
  const sendTokens = async (
    list: TokenFeed,
    limit = Infinity,
  ): Promise<'sent' | 'stopped' | 'gone'> => {
    let sent = 0;
    for await (const token of list) {
      if (sent++ >= limit) break;
      if (paced && x.settings.tokenDelayMs > 0) await x.sleep(x.settings.tokenDelayMs);
      paced = true;
      if (x.isGone()) return 'gone';
      if (stopped) return 'stopped';
      // The OpenAI endpoint skips empty deltas: nothing goes out for an empty token.
      if (token === '') continue;
      streamed += token;
      message.content = initialContent + streamed;
      store({ type: 'stream', token: '', len: token.length });
      await x.write(tokenLine(token));
    }
    return 'sent';
  };

  conversation.streams.add(stop);
  x.head(200, {
    vary: 'Accept-Encoding',
    'content-type': 'application/jsonl',
    ...(g.session.cookie === undefined ? {} : { 'set-cookie': g.session.cookie }),
  });
  const keepAlive = setInterval(() => {
    if (!x.isGone()) void x.write(KEEP_ALIVE);
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const quiet = () => clearInterval(keepAlive);

  const finish = async (text: string, interrupted: boolean) => {
    quiet();
    message.content = initialContent + text;
    message.interrupted = interrupted;
    store({ type: 'finalAnswer', text, interrupted });
    await x.write(finalAnswerLine(text, interrupted));
    store({ type: 'status', status: 'finished' });
    await x.write(FINISHED);
    x.end();
  };
  const fail = async (errorMessage: string) => {
    quiet();
    const update = errorUpdate(errorMessage);
    store(update);
    await x.write(updateLine(update));
    x.end();
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
    const count = fault ? (fault.afterTokens ?? 2) : Infinity;
    const first = await sendTokens(tokens, count);
    if (first === 'gone') return;
    if (first === 'stopped') return await interrupt();
    // A reply that throws midway fails as its backend would, after what it yielded.
    const failure = tokens.failure();
    if (failure !== undefined) return await fail(failure);
    const whole = () => tokens.all().then((all) => all.join('').trimEnd());
    if (!fault) return await finish(await whole(), false);
    switch (fault.kind) {
      case 'drop': {
        // The backend dropped: chat-ui retries once, the retry drops at the same place.
        const again = await sendTokens(tokens, count);
        if (again === 'gone') return;
        return await (again === 'stopped' ? interrupt() : fail(DROPPED));
      }
      case 'rerun': {
        // The retry succeeds: every token again from the start; only finalAnswer is right.
        const again = await sendTokens(tokens);
        if (again === 'gone') return;
        return await (again === 'stopped' ? interrupt() : finish(await whole(), false));
      }
      case 'error-event':
        if (g.backendRetryMs > 0) await x.sleep(g.backendRetryMs);
        if (x.isGone()) return;
        return await (stopped ? interrupt() : fail(fault.message ?? BACKEND_ERROR));
      case 'malformed':
        quiet();
        await x.write(MALFORMED_LINE);
        return x.end();
      case 'stall':
        return quiet();
      default:
        quiet();
        return x.end();
    }
  } finally {
    quiet();
    conversation.streams.delete(stop);
    message.materializedSeq = message.updates?.length;
  }
};
