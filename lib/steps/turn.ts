import type { Observable } from 'rxjs';
import type { CompletionEvent } from '../events';
import type { Transport } from '../http/transport';
import type { EncodedFile, McpSelection } from '../files';
import type { HistoryMessage } from './history';

/** What a turn sends beside its text (dialect chat-ui): its files and MCP selection. */
export interface TurnExtras {
  /** Sent with the user message (not with a retry that regenerates a stored answer). */
  readonly files?: readonly EncodedFile[];
  readonly mcp?: McpSelection;
}

/** What every turn of one conversation shares. */
export interface TurnContext {
  readonly transport: Transport;
  readonly conversationId: string;
  readonly origin: string;
  /** Dialect h2o: the generation parameters sent with every turn. */
  readonly parameters: Record<string, unknown>;
  readonly maxLineBytes: number;
  readonly endToken: string;
  /** Dialect chat-ui: re-attachments per answer. */
  readonly resume: number;
  /** Dialect chat-ui: the root (system) message, the parent of the first turn. */
  readonly rootId: string;
  /**
   * Dialect chat-ui: the message the first turn follows, when the conversation was attached
   * to (default: the root).
   */
  readonly tipId?: string;
}

/**
 * A dialect's way to talk within one conversation. Each Observable is cold; subscribing again
 * to a turn that failed is a retry of that turn (the user message is not stored twice), after
 * one that completed or was cancelled a new turn.
 */
export interface ConversationDriver {
  turn$(inputs: string, extras?: TurnExtras): Observable<CompletionEvent>;
  regenerate$(extras?: TurnExtras): Observable<CompletionEvent>;
  messages$(): Observable<HistoryMessage[]>;
  /** The events of the answer the server is still generating; none when none is live. */
  resume$(): Observable<CompletionEvent>;
}
