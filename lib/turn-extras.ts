import { defer, from, map, Observable, of, switchMap, tap } from 'rxjs';
import type { Dialect } from './dialect';
import { H2oInputError } from './errors';
import {
  chatUiOnly,
  checkFiles,
  checkFileTypes,
  encodeFiles,
  mcpSelection,
  type McpSelection,
  type TurnFileSource,
} from './files';
import type { ModelInfo } from './list-models';
import type { TurnExtras } from './steps/turn';

/** A turn's own options, checked: whether it streams, its files, its MCP selection. */
export interface CheckedAsk {
  readonly streamed: boolean;
  readonly files: TurnFileSource[];
  readonly mcp?: McpSelection;
}

/** A conversation's system prompt, checked (dialect chat-ui only: the 2023 server takes none). */
export const conversationPreprompt = (preprompt: unknown, dialect: Dialect): string | undefined => {
  chatUiOnly(dialect, 'preprompt', preprompt !== undefined);
  if (preprompt !== undefined && typeof preprompt !== 'string') {
    throw new H2oInputError('preprompt must be a string');
  }
  return preprompt;
};

/** `ask$`'s options checked; the turn's MCP selection, else the conversation's. */
export const checkAsk = (
  options: { stream?: unknown; files?: unknown; mcpServers?: unknown } | undefined,
  dialect: Dialect,
  fallbackMcp: McpSelection | undefined,
): CheckedAsk => {
  if (options === undefined) return { streamed: true, files: [], mcp: fallbackMcp };
  if (typeof options !== 'object' || options === null) {
    throw new H2oInputError('ask$ options must be an object');
  }
  if (options.stream !== undefined && typeof options.stream !== 'boolean') {
    throw new H2oInputError('stream must be a boolean');
  }
  const files = checkFiles(options.files, dialect);
  const mcp =
    options.mcpServers === undefined ? fallbackMcp : mcpSelection(options.mcpServers, dialect);
  return { streamed: options.stream !== false, files, mcp };
};

/**
 * What the turn sends beside its text, once ready: with files, the server's model list (read
 * only then, through `models$`) says which types `modelId` takes, then the files are read and
 * encoded; a type the model does not take is an `H2oInputError`, before the turn's request.
 */
export const turnExtras$ = (
  ask: CheckedAsk,
  modelId: string,
  models$: () => Observable<ModelInfo[]>,
): Observable<TurnExtras> => {
  if (ask.files.length === 0) return of({ mcp: ask.mcp });
  return defer(models$).pipe(
    tap((list) =>
      checkFileTypes(
        ask.files,
        modelId,
        list.find((m) => m.id === modelId),
      ),
    ),
    switchMap(() => from(encodeFiles(ask.files))),
    map((files) => ({ files, mcp: ask.mcp })),
  );
};
