import type { Exchange } from '../server/exchange';
import type { GenerationParams } from './tgi-params';
import type { EmulatorFault } from '../types';

const EOS_TEXT = '<|endoftext|>';
const EOS_ID = 11;
const FIRST_TOKEN_ID = 100;

/** The message of TGI's in-band error event, as the real backend failure read. */
export const GENERATION_ERROR =
  'Request failed during generation: Server error: CUDA out of memory';

const tokenEvent = (id: number, text: string, special: boolean, generated: string | null) =>
  `data:${JSON.stringify({
    token: { id, text, logprob: -0.1, special },
    generated_text: generated,
    details: null,
  })}\n\n`;

/** TGI's in-band error event. */
export const errorEvent = (message: string, type = 'generation'): string =>
  `data:${JSON.stringify({ error: message, error_type: type })}\n\n`;

// Cut off mid-JSON, as a broken proxy or backend would.
const MALFORMED_EVENT = 'data:{"token":{"id":' + '\n\n';

/**
 * The events TGI streams for `tokens`. The last one carries `generated_text`: the end token
 * when the answer is complete, or an ordinary token when `max_new_tokens` or a stop sequence
 * ends it first (the end token counts against `max_new_tokens`, as in TGI).
 */
export const planEvents = (tokens: string[], params: GenerationParams): string[] => {
  const events: string[] = [];
  let text = '';
  for (const [index, token] of tokens.entries()) {
    text += token;
    const lengthStop = index + 1 >= params.maxNewTokens;
    const sequenceStop = params.stop.some((stop) => stop !== '' && text.endsWith(stop));
    if (lengthStop || sequenceStop) {
      events.push(tokenEvent(FIRST_TOKEN_ID + index, token, false, text));
      return events;
    }
    events.push(tokenEvent(FIRST_TOKEN_ID + index, token, false, null));
  }
  events.push(tokenEvent(EOS_ID, EOS_TEXT, true, text));
  return events;
};

/** The whole answer of a non-streaming TGI call (`stream: false`). */
export const generatedText = (tokens: string[], params: GenerationParams): string => {
  let text = '';
  for (const [index, token] of tokens.entries()) {
    text += token;
    if (index + 1 >= params.maxNewTokens) break;
    if (params.stop.some((stop) => stop !== '' && text.endsWith(stop))) break;
  }
  return text;
};

/** How a generation ended, as the server saw it: what it stores, if anything. */
export type GenerationEnd =
  | { kind: 'complete' }
  /** Stop-generating: the tokens generated up to and including `count`, cut there. */
  | { kind: 'stopped'; count: number }
  /** The backend failed: chat-ui stores nothing of the turn. */
  | { kind: 'failed' };

/**
 * Streams `events` one write each, `tokenDelayMs` apart, until the generation ends: with a
 * stream fault, after `afterTokens` events (never the final one) it fails as the fault says.
 * A client that leaves does not stop it (chat-ui read its backend to the end and stored the
 * answer); `isStopped` (stop-generating) does, at the next token, which is counted but not sent.
 */
export const writeEvents = async (
  x: Exchange,
  events: string[],
  fault: EmulatorFault | undefined,
  isStopped: () => boolean = () => false,
): Promise<GenerationEnd> => {
  const delay = x.settings.tokenDelayMs;
  const limit = fault ? Math.min(fault.afterTokens ?? 2, events.length - 1) : events.length;
  let clientDropped = false;
  for (let i = 0; i < events.length; i += 1) {
    if (i > 0 && delay > 0) await x.sleep(delay);
    if (isStopped()) {
      x.cut();
      return { kind: 'stopped', count: i + 1 };
    }
    if (i === limit && fault && !clientDropped) {
      if (fault.kind !== 'drop') return failStream(x, fault);
      // The client's connection drops; the server goes on generating.
      x.cut();
      clientDropped = true;
    }
    if (!x.isGone()) await x.write(events[i]);
  }
  x.end();
  return { kind: 'complete' };
};

// The fault's ending of the stream the client sees; the backend failed, so nothing is stored.
const failStream = async (x: Exchange, fault: EmulatorFault): Promise<GenerationEnd> => {
  const failed: GenerationEnd = { kind: 'failed' };
  if (x.isGone()) return failed;
  switch (fault.kind) {
    case 'backend-drop':
      x.cut();
      return failed;
    case 'stall':
      return failed;
    case 'malformed':
      await x.write(MALFORMED_EVENT);
      break;
    case 'error-event':
      await x.write(errorEvent(fault.message ?? GENERATION_ERROR));
      break;
    default:
      break;
  }
  x.end();
  return failed;
};
