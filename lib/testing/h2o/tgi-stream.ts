import type { Exchange } from '../server/exchange';
import type { GenerationParams } from './tgi-params';
import type { TokenFeed } from '../shared/reply';
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

// Token `index` ends the answer when max_new_tokens runs out or the text so far (`text`, this
// token included) ends with a stop sequence.
const endsAnswer = (index: number, text: string, params: GenerationParams): boolean =>
  index + 1 >= params.maxNewTokens ||
  params.stop.some((stop) => stop !== '' && text.endsWith(stop));

/**
 * The events TGI streams for `tokens`. The last one carries `generated_text`: the end token
 * when the answer is complete, or an ordinary token when `max_new_tokens` or a stop sequence
 * ends it first (the end token counts against `max_new_tokens`, as in TGI). `generated_text`
 * keeps a stop sequence that ended it, and starts with `prefix` (the prompt, when the call
 * asked for `return_full_text`).
 */
export const planEvents = (tokens: string[], params: GenerationParams, prefix = ''): string[] => {
  const events: string[] = [];
  let text = '';
  for (const [index, token] of tokens.entries()) {
    text += token;
    if (endsAnswer(index, text, params)) {
      events.push(tokenEvent(FIRST_TOKEN_ID + index, token, false, prefix + text));
      return events;
    }
    events.push(tokenEvent(FIRST_TOKEN_ID + index, token, false, null));
  }
  events.push(tokenEvent(EOS_ID, EOS_TEXT, true, prefix + text));
  return events;
};

/** The whole answer of a non-streaming TGI call (`stream: false`). */
export const generatedText = (tokens: string[], params: GenerationParams): string => {
  let text = '';
  for (const [index, token] of tokens.entries()) {
    text += token;
    if (endsAnswer(index, text, params)) break;
  }
  return text;
};

/**
 * Streams the answer as TGI does, one event per token as the reply yields it, `tokenDelayMs`
 * apart. The last event carries `generated_text`: the end token when the answer is complete,
 * or an ordinary token when `max_new_tokens` or a stop sequence ends it first (the end token
 * counts against `max_new_tokens`, as in TGI); `generated_text` keeps a stop sequence that
 * ended it, and starts with `prefix` (the prompt, for `return_full_text`). With a stream fault
 * (or a reply that throws midway: its error event), sends the first `afterTokens` tokens
 * (never the final event) and then fails as the fault says.
 */
export const streamEvents = async (
  x: Exchange,
  tokens: TokenFeed,
  params: GenerationParams,
  prefix: string,
  planned: EmulatorFault | undefined,
): Promise<void> => {
  const delay = x.settings.tokenDelayMs;
  const limit = planned ? (planned.afterTokens ?? 2) : Infinity;
  let text = '';
  let index = 0;
  for await (const token of tokens) {
    text += token;
    const last = endsAnswer(index, text, params);
    if (planned && (index >= limit || last)) break;
    if (index > 0 && delay > 0) await x.sleep(delay);
    if (x.isGone()) return;
    await x.write(tokenEvent(FIRST_TOKEN_ID + index, token, false, last ? prefix + text : null));
    index += 1;
    if (last) return x.end();
  }
  const failure = tokens.failure();
  const fault: EmulatorFault | undefined =
    failure === undefined ? planned : { step: 'stream', kind: 'error-event', message: failure };
  if (index > 0 && delay > 0) await x.sleep(delay);
  if (x.isGone()) return;
  if (!fault) {
    await x.write(tokenEvent(EOS_ID, EOS_TEXT, true, prefix + text));
    return x.end();
  }
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
