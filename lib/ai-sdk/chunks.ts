import type { UIMessageChunk } from 'ai';
import { catchError, concatMap, defer, Observable, OperatorFunction } from 'rxjs';
import type { CompletionEvent } from '../index';
import { sameAnswerText } from '../same-text';

/** What the chunks of one answer need beyond its events. */
export interface ChunkOptions {
  /** Sent as the answer's `messageMetadata` in its `start` chunk. */
  readonly metadata?: Record<string, unknown>;
  /** The URL of a file the answer produced, from its `sha` (default: none, the file is left out). */
  readonly fileUrl?: (sha: string) => string;
}

type Part = { readonly kind: 'text' | 'reasoning'; readonly id: string };

/**
 * The step that turns one answer's events into AI SDK chunks, one event at a time, keeping
 * which part is open. Text and reasoning are parts of their own (`text-start`, deltas,
 * `text-end`), opened at their first piece and closed when something else comes; the answer
 * is one step (`start-step` … `finish-step`) so that a text the tokens got wrong can be reset.
 */
const chunker = (options: ChunkOptions) => {
  let started = false;
  let open: Part | undefined;
  let parts = 0;
  let streamed = '';
  let hadText = false;
  const tools = new Set<string>();

  const close = (): UIMessageChunk[] => {
    if (!open) return [];
    const { kind, id } = open;
    open = undefined;
    return [kind === 'text' ? { type: 'text-end', id } : { type: 'reasoning-end', id }];
  };
  const piece = (kind: Part['kind'], delta: string): UIMessageChunk[] => {
    const out = open?.kind === kind ? [] : close();
    if (!open) {
      open = { kind, id: `${kind}-${++parts}` };
      out.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id: open.id });
    }
    const { id } = open;
    out.push(
      kind === 'text' ? { type: 'text-delta', id, delta } : { type: 'reasoning-delta', id, delta },
    );
    return out;
  };
  // What an event adds to the message; the `start` chunks come before the first of them.
  const body = (event: CompletionEvent): UIMessageChunk[] => {
    switch (event.type) {
      case 'token':
        streamed += event.text;
        hadText = true;
        return piece('text', event.text);
      case 'reasoning':
        return piece('reasoning', event.text);
      case 'tool-call':
        tools.add(event.uuid);
        return [
          ...close(),
          {
            type: 'tool-input-available',
            toolCallId: event.uuid,
            toolName: event.name,
            input: event.parameters,
            // The server runs its tools: the chat must not wait for the client to answer one.
            providerExecuted: true,
            dynamic: true,
          },
        ];
      case 'tool-result':
      case 'tool-error': {
        // A result for a call the chat never saw has no part to attach to.
        if (!tools.has(event.uuid)) return [];
        const toolCallId = event.uuid;
        const ok = event.type === 'tool-result' && event.ok;
        return [
          ...close(),
          ok
            ? {
                type: 'tool-output-available',
                toolCallId,
                output: event.outputs,
                providerExecuted: true,
                dynamic: true,
              }
            : {
                type: 'tool-output-error',
                toolCallId,
                errorText:
                  event.message ?? (event.type === 'tool-result' ? `${event.name} failed` : ''),
                providerExecuted: true,
                dynamic: true,
              },
        ];
      }
      case 'file':
        return options.fileUrl
          ? [...close(), { type: 'file', url: options.fileUrl(event.sha), mediaType: event.mime }]
          : [];
      case 'done': {
        const out = close();
        if (!sameAnswerText(streamed, event.text)) {
          // chat-ui re-ran a failed backend call and streamed its first tokens again: only
          // the final text is right, so the step's parts go and the final text replaces them.
          // (`reset-step` keeps the step's own start.)
          if (hadText) out.push({ type: 'reset-step' });
          const id = `text-${++parts}`;
          out.push(
            { type: 'text-start', id },
            { type: 'text-delta', id, delta: event.text },
            { type: 'text-end', id },
          );
        }
        return [
          ...out,
          { type: 'finish-step' },
          { type: 'finish', finishReason: event.interrupted ? 'interrupted' : 'stop' },
        ];
      }
      default:
        return [];
    }
  };
  return {
    next: (event: CompletionEvent): UIMessageChunk[] => {
      const out = body(event);
      if (started || out.length === 0) return out;
      started = true;
      const start: UIMessageChunk = options.metadata
        ? { type: 'start', messageMetadata: options.metadata }
        : { type: 'start' };
      return [start, { type: 'start-step' }, ...out];
    },
    error: (err: unknown): UIMessageChunk[] => [
      { type: 'error', errorText: err instanceof Error ? err.message : String(err) },
    ],
  };
};

/**
 * One answer's events (`ask$`, `regenerate$`, `resume$`, `completionEvents$`) as the AI SDK's
 * UI message chunks: `start` (with `options.metadata`), `start-step`, then `text-*` for tokens,
 * `reasoning-*` for reasoning, `tool-input-available` / `tool-output-available` /
 * `tool-output-error` for the server's tool calls (`providerExecuted`, `dynamic`), `file`
 * (when `options.fileUrl` is given), and at `done` `finish-step` and `finish` (`finishReason`
 * `'interrupted'` when the server cut the answer, else `'stop'`). An error ends the chunks
 * with an `error` chunk instead of erroring. When the final text is not the tokens' text
 * (chat-ui re-ran a failed backend call and streamed its first tokens again), a `reset-step`
 * drops what the step showed and the final text follows whole.
 */
export const toUiMessageChunks =
  (options: ChunkOptions = {}): OperatorFunction<CompletionEvent, UIMessageChunk> =>
  (source: Observable<CompletionEvent>) =>
    defer(() => {
      const c = chunker(options);
      return source.pipe(
        concatMap((event) => c.next(event)),
        catchError((err: unknown) => c.error(err)),
      );
    });

/** {@link toUiMessageChunks} over a list of events, for tests and stored answers. */
export const uiMessageChunks = (
  events: readonly CompletionEvent[],
  options: ChunkOptions = {},
): UIMessageChunk[] => {
  const c = chunker(options);
  return events.flatMap((event) => c.next(event));
};
