import type { Exchange } from '../server/exchange';
import type { EmulatorFault } from '../types';
import { endpointError, json, withCookie, type H2oSession } from './answers';
import { parseObjectId } from '../shared/object-id';
import { planAnswer } from '../shared/reply';
import { countMessage, isRateLimited, type Store } from '../shared/sessions';
import { checkParameters, isRefusal } from './tgi-params';
import { generatedText, planEvents, writeEvents } from './tgi-stream';
import { buildPrompt, turnHistory, withAnswer, type TurnRequest } from './history';
import type { Stops } from './stops';

const errorBody = (fault: EmulatorFault | undefined) => ({
  error: fault?.message ?? '',
  error_type: 'generation',
});

// zod's uuid check, as chat-ui applied it to the message ids in mid-2023.
const UUID =
  /^([a-f0-9]{8}-[a-f0-9]{4}-[1-5][a-f0-9]{3}-[a-f0-9]{4}-[a-f0-9]{12}|00000000-0000-0000-0000-000000000000)$/i;

const isOptional = (value: unknown, check: (v: unknown) => boolean) =>
  value === undefined || check(value);

/** The body chat-ui accepts: `inputs` non-empty once trimmed, and a well-formed `options`. */
const readBody = (text: string): Record<string, unknown> | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const body = json as Record<string, unknown>;
  const options = body.options as Record<string, unknown> | undefined;
  const valid =
    typeof body.inputs === 'string' &&
    body.inputs.trim() !== '' &&
    typeof options === 'object' &&
    options !== null &&
    isOptional(options.id, (v) => typeof v === 'string' && UUID.test(v)) &&
    isOptional(options.response_id, (v) => typeof v === 'string' && UUID.test(v)) &&
    isOptional(options.is_retry, (v) => typeof v === 'boolean') &&
    isOptional(options.web_search_id, (v) => typeof v === 'string');
  return valid ? body : undefined;
};

/**
 * `POST /conversation/:id`: checks in chat-ui's order (id, owner, rate limit, body), then
 * passes the request to "TGI" with the prompt built from the conversation's history: its refusal
 * (422) or its event stream, unchanged. The turn is stored `saveDelayMs` after the backend's
 * stream ended, whole or stopped, over the history as the request found it (the last save wins).
 */
export const streamRoute = async (
  x: Exchange,
  session: H2oSession,
  store: Store,
  stops: Stops,
  rawId: string,
): Promise<void> => {
  // chat-ui's `date`, taken first: a stop recorded after it stops this generation.
  const startedAt = Date.now();
  const fail = (status: number, message: string) =>
    x.send(withCookie(session, endpointError(x, status, message)));
  const id = parseObjectId(rawId);
  if (!id) return fail(500, 'Internal Error');
  const conversation = store.ownedConversation(id, session.id);
  if (!conversation) return fail(404, 'Conversation not found');
  if (isRateLimited(store.session(session.id), x.settings.rateLimit)) {
    return fail(429, 'You are sending too many messages. Try again later.');
  }
  const body = readBody(x.body);
  if (!body) return fail(500, 'Internal Error');
  // No web search is ever stored here, and chat-ui fails on one it cannot find.
  if ((body.options as Record<string, unknown>).web_search_id) return fail(500, 'Internal Error');
  const params = checkParameters(body.parameters);
  if (isRefusal(params)) {
    return x.send(
      withCookie(session, {
        status: params.status,
        headers: { 'content-type': params.contentType },
        body: params.body,
        chunked: true,
      }),
    );
  }
  countMessage(store.session(session.id));
  const options = body.options as Record<string, unknown>;
  const turn: TurnRequest = {
    inputs: body.inputs as string,
    id: options.id as string | undefined,
    responseId: options.response_id as string | undefined,
    isRetry: options.is_retry === true,
    webSearchId: options.web_search_id as string | undefined,
  };
  const history = turnHistory(conversation.messages, turn);
  const prompt = buildPrompt(history);
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  x.settings.prompts.push({ conversationId: conversation.id, prompt, params: parameters });
  // TGI's return_full_text: generated_text starts with TGI's input, the prompt built here.
  const fullTextPrefix = parameters.return_full_text === true ? prompt : '';
  const { tokens, fault, replyFailed } = await planAnswer(
    x.settings.reply,
    prompt,
    parameters,
    // A whole-text call has no stream to fail: its faults wait for the next stream.
    body.stream === false ? undefined : x.takeStreamFault(),
  );
  // chat-ui stored the turn only once the backend's answer was whole (or stopped).
  const save = (text: string) => {
    conversation.messages = withAnswer(history, turn, text);
    conversation.updatedAt = new Date();
  };
  if (body.stream === false) {
    // TGI answers a failed generation of a whole-text call with 424 and its error.
    if (replyFailed) return x.send(withCookie(session, json(424, errorBody(fault))));
    const text = generatedText(tokens, params);
    save(text);
    return x.send(
      withCookie(session, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ generated_text: fullTextPrefix + text }]),
        chunked: true,
      }),
    );
  }
  const events = planEvents(tokens, params, fullTextPrefix);
  // Marks the stream in flight (the store never drops a conversation that is generating).
  const inFlight = () => undefined;
  conversation.streams.add(inFlight);
  try {
    x.head(200, {
      'cache-control': 'no-cache',
      'content-type': 'text/event-stream',
      'set-cookie': session.cookie,
    });
    const end = await writeEvents(x, events, fault, () => stops.stops(conversation.id, startedAt));
    if (end.kind === 'failed') return;
    // The save is chat-ui's database write after the backend's stream was read.
    if (x.settings.saveDelayMs > 0) await x.sleep(x.settings.saveDelayMs);
    save(
      end.kind === 'complete' ? generatedText(tokens, params) : tokens.slice(0, end.count).join(''),
    );
  } finally {
    conversation.streams.delete(inFlight);
  }
};
