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

/**
 * Streams `events` one write each, `tokenDelayMs` apart; with a stream fault, sends the first
 * `afterTokens` events (never the final one) and then fails as the fault says.
 */
export const writeEvents = async (
  x: Exchange,
  events: string[],
  fault: EmulatorFault | undefined,
): Promise<void> => {
  const delay = x.settings.tokenDelayMs;
  const count = fault ? Math.min(fault.afterTokens ?? 2, events.length - 1) : events.length;
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && delay > 0) await x.sleep(delay);
    if (x.isGone()) return;
    await x.write(events[i]);
  }
  if (!fault) return x.end();
  if (delay > 0) await x.sleep(delay);
  if (x.isGone()) return;
  switch (fault.kind) {
    case 'drop':
      return x.cut();
    case 'stall':
      return;
    case 'malformed':
      await x.write(MALFORMED_EVENT);
      return x.end();
    case 'error-event':
      await x.write(errorEvent(fault.message ?? GENERATION_ERROR));
      return x.end();
    default:
      return x.end();
  }
};
