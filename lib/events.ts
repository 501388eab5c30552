/**
 * A handshake step that made a request; `resume` is a re-attachment to an answer whose
 * connection dropped (dialect chat-ui).
 */
export type HandshakeStep = 'session' | 'settings' | 'conversation' | 'stream' | 'resume';

/** A step finished: its own time, request start → response headers. */
export interface StepEvent {
  type: 'step';
  /** Which step. */
  step: HandshakeStep;
  /** The step's own time, request start → response headers, in ms. */
  ms: number;
}

/** One token of the answer, with what the server said about it. */
export interface TokenEvent {
  type: 'token';
  /** The token's text (never empty, never padding). */
  text: string;
  /** The model's token id, where the server sends it (TGI). */
  id?: number;
  /** The token's log-probability, where the server sends it (TGI). */
  logprob?: number;
  /** Always false for emitted tokens: special tokens are not text. */
  special?: boolean;
}

/** The answer is complete: the server's whole text, and how many tokens were emitted. */
export interface DoneEvent {
  type: 'done';
  /** The server's whole answer (`generated_text` or `finalAnswer.text`). */
  text: string;
  /** How many token events were emitted. */
  tokens: number;
  /** The conversation the answer belongs to. */
  conversationId: string;
}

/** Everything `completionEvents$` emits. */
export type CompletionEvent = StepEvent | TokenEvent | DoneEvent;
