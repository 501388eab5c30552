/** A handshake step that made a request. */
export type HandshakeStep = 'session' | 'settings' | 'conversation' | 'stream';

/** A step finished: its own time, request start → response headers. */
export interface StepEvent {
  type: 'step';
  step: HandshakeStep;
  ms: number;
}

/** One token of the answer, with what the server said about it. */
export interface TokenEvent {
  type: 'token';
  text: string;
  id?: number;
  logprob?: number;
  special?: boolean;
}

/** The answer is complete: the server's whole text, and how many tokens were emitted. */
export interface DoneEvent {
  type: 'done';
  text: string;
  tokens: number;
  conversationId: string;
}

/** Everything `completionEvents$` emits. */
export type CompletionEvent = StepEvent | TokenEvent | DoneEvent;
