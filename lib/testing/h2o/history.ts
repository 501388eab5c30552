import { randomUUID } from 'node:crypto';
import type { H2oMessage } from '../shared/sessions';

/** The turn a stream request asks for: its new user text, the ids the client chose, retry or not. */
export interface TurnRequest {
  inputs: string;
  id?: string;
  responseId?: string;
  isRetry: boolean;
  webSearchId?: string;
}

// The h2o models' turn template, as chat-ui's model config gave them (no preprompt).
const USER = '<|prompt|>';
const ASSISTANT = '<|answer|>';
const END = '<|endoftext|>';

/** The models' `truncate` parameter: the prompt keeps its last this many words. */
export const MODEL_TRUNCATE = 2048;

/**
 * The history the model answers, as chat-ui (2023) built it: a retry naming a stored message cuts
 * the history there and puts the user text back under the same id (without `createdAt`, as the
 * real server stored it); a retry naming no stored message, or a new turn, appends.
 */
export const turnHistory = (stored: H2oMessage[], turn: TurnRequest, now = new Date()) => {
  if (turn.isRetry && turn.id !== undefined) {
    const at = stored.findIndex((m) => m.id === turn.id);
    const kept = at < 0 ? stored : stored.slice(0, at);
    const user: H2oMessage = { content: turn.inputs, from: 'user', id: turn.id, updatedAt: now };
    return [...kept, user];
  }
  const user: H2oMessage = {
    content: turn.inputs,
    from: 'user',
    id: turn.id ?? randomUUID(),
    createdAt: now,
    updatedAt: new Date(now),
  };
  return [...stored, user];
};

/**
 * The prompt for `messages` in the model's own turns, ending with an open answer turn, cut to its
 * last `truncate` space-separated words: what chat-ui sent TGI as `inputs`.
 */
export const buildPrompt = (messages: H2oMessage[], truncate = MODEL_TRUNCATE): string =>
  (
    messages.map((m) => (m.from === 'user' ? USER : ASSISTANT) + m.content + END).join('') +
    ASSISTANT
  )
    .split(' ')
    .slice(-truncate)
    .join(' ');

/** The answer as chat-ui stored it: trailing end token and whitespace removed. */
export const storedAnswer = (generated: string): string => {
  const text = generated.trimEnd();
  return (text.endsWith(END) ? text.slice(0, -END.length) : text).trimEnd();
};

/** The history with the answer appended: what the conversation holds once a turn is stored. */
export const withAnswer = (
  history: H2oMessage[],
  turn: TurnRequest,
  text: string,
  now = new Date(),
): H2oMessage[] => [
  ...history,
  {
    from: 'assistant',
    content: storedAnswer(text),
    webSearchId: turn.webSearchId,
    id: turn.responseId ?? randomUUID(),
    createdAt: now,
    updatedAt: new Date(now),
  },
];
