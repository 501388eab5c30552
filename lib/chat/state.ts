/**
 * Where a chat stands, with the AI SDK `Chat`'s names: `'submitted'` from a send until the
 * answer's first output (a token, reasoning, a tool call or a file), `'streaming'` until the
 * turn ends, `'error'` after a failed turn or open (`error` says why), else `'ready'`.
 */
export type ChatStatus = 'ready' | 'submitted' | 'streaming' | 'error';

/** Text of the answer (or of a user message), in the order the server sent it. */
export interface ChatTextPart {
  readonly type: 'text';
  readonly text: string;
  /** `'streaming'` while more of it may come. */
  readonly state: 'streaming' | 'done';
}

/** A reasoning model's thinking, kept apart from the answer's text. */
export interface ChatReasoningPart {
  readonly type: 'reasoning';
  readonly text: string;
  /** `'streaming'` while more of it may come. */
  readonly state: 'streaming' | 'done';
}

/** A tool the server ran for the answer: its call, then its output or its error. */
export interface ChatToolPart {
  readonly type: 'tool';
  /** The server's id of the call. */
  readonly toolCallId: string;
  readonly toolName: string;
  /** The call's arguments. */
  readonly input: Readonly<Record<string, unknown>>;
  /** `'input-available'` while the tool runs. */
  readonly state: 'input-available' | 'output-available' | 'output-error';
  /** What the tool returned (`'output-available'`). */
  readonly output?: readonly unknown[];
  /** Why it failed (`'output-error'`). */
  readonly errorText?: string;
  /** The running tool's last progress report. */
  readonly progress?: {
    readonly progress?: number;
    readonly total?: number;
    readonly message?: string;
    readonly eta?: number;
  };
}

/** A file: one the answer produced (with its `url` on the server), or one a user message sent. */
export interface ChatFilePart {
  readonly type: 'file';
  readonly filename: string;
  readonly mediaType: string;
  /** Where the server serves the file (an answer's file). */
  readonly url?: string;
  /** The server's id of the file (its content hash). */
  readonly sha?: string;
  /** The content as it was sent (a user message's file). */
  readonly data?: unknown;
}

/** One piece of a message. */
export type ChatPart = ChatTextPart | ChatReasoningPart | ChatToolPart | ChatFilePart;

/** How an answer stands: `'stopped'` when `stop()` (or a stop elsewhere) cut it short. */
export type ChatAnswerState = 'streaming' | 'done' | 'stopped' | 'error';

/** One message of the chat. */
export interface ChatMessage {
  /** The chat's own id of the message (the server's for a stored one). */
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly parts: readonly ChatPart[];
  /** An answer's state (absent on user messages). */
  readonly state?: ChatAnswerState;
  /** Why the answer failed (`state: 'error'`). */
  readonly error?: unknown;
  /** What the reasoning phase said it is doing last ("Thinking…"). */
  readonly reasoningStatus?: string;
  /** Which route and model the server's router chose for the answer. */
  readonly router?: { readonly route: string; readonly model: string; readonly provider?: string };
}

/** A chat as a UI shows it: a new object for every change, never changed in place. */
export interface ChatState {
  readonly messages: readonly ChatMessage[];
  readonly status: ChatStatus;
  /** The last failure, until the next turn or `clearError()`. */
  readonly error?: unknown;
  /** The server conversation, once it is open. */
  readonly conversationId?: string;
  /** The title the server gave the conversation. */
  readonly title?: string;
}

/** A chat with no messages, ready. */
export const emptyChatState: ChatState = { messages: [], status: 'ready' };
