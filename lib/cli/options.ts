import type { CompletionOptions, ConversationOptions, Dialect } from '../index';
import { number, type Values } from './args';
import { UsageError } from './usage';

/** `--dialect`: h2o or chat-ui. */
export const dialectOf = (value: string | undefined): Dialect | undefined => {
  if (value === undefined || value === 'h2o' || value === 'chat-ui') return value;
  throw new UsageError(`--dialect is h2o or chat-ui, got '${value}'`);
};

const headersOf = (values: string[] | undefined): Record<string, string> | undefined => {
  if (!values) return undefined;
  return Object.fromEntries(
    values.map((header) => {
      const colon = header.indexOf(':');
      if (colon <= 0) throw new UsageError(`--header is "NAME: VALUE", got '${header}'`);
      return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
    }),
  );
};

const parametersOf = (values: string[] | undefined): Record<string, unknown> | undefined => {
  if (!values) return undefined;
  return Object.fromEntries(
    values.map((param) => {
      const eq = param.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param is KEY=VALUE, got '${param}'`);
      const raw = param.slice(eq + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // not JSON: the plain string
      }
      return [param.slice(0, eq), value];
    }),
  );
};

// The generation flags of dialect h2o: today's chat-ui takes no sampling parameters from the
// client (its POST reads none; its model configuration decides), so the library refuses them.
const samplingFlags = [
  'temperature',
  'max-new-tokens',
  'truncate',
  'repetition-penalty',
  'no-do-sample',
  'return-full-text',
  'param',
] as const;

// Said as a usage error (exit 2) naming the flags, before the library's input error would.
const checkSamplingFlags = (values: Values, dialect: Dialect | undefined) => {
  const given = samplingFlags.filter((flag) => values[flag] !== undefined);
  if (dialect === 'chat-ui' && given.length > 0) {
    const flags = given.map((flag) => `--${flag}`).join(', ');
    throw new UsageError(
      `dialect chat-ui takes no ${flags}: the server's model configuration decides`,
    );
  }
};

/** The completion$ options the flags give; the ones not given are left to the library. */
export const completionOptions = (
  values: Values,
  baseUrl: string | undefined,
): CompletionOptions => {
  const dialect = dialectOf(values.dialect);
  checkSamplingFlags(values, dialect);
  const all: CompletionOptions = {
    baseUrl,
    dialect,
    headers: headersOf(values.header),
    temperature: number('temperature', values.temperature),
    maxNewTokens: number('max-new-tokens', values['max-new-tokens']),
    truncate: number('truncate', values.truncate),
    repetitionPenalty: number('repetition-penalty', values['repetition-penalty']),
    doSample: values['no-do-sample'] ? false : undefined,
    returnFullText: values['return-full-text'] || undefined,
    parameters: parametersOf(values.param),
    endToken: values['end-token'],
    id: values.id,
    responseId: values['response-id'],
    stream: values['no-stream'] ? false : undefined,
    maxLineBytes: number('max-line-bytes', values['max-line-bytes']),
    deleteAfter: values['delete-after'] || undefined,
    allowControlTokens: values['allow-control-tokens'] || undefined,
  };
  return Object.fromEntries(
    Object.entries(all).filter(([, value]) => value !== undefined),
  ) as CompletionOptions;
};

/** The retry and timeout flags, with the command's defaults. */
export const reliabilityOptions = (values: Values) => ({
  retries: number('retry', values.retry) ?? 2,
  first: number('timeout', values.timeout) ?? 60_000,
  each: number('idle-timeout', values['idle-timeout']) ?? 30_000,
});

// One-shot flags with no meaning in a conversation: the server keeps the history and the ids.
const oneShotFlags = [
  'system',
  'messages',
  'id',
  'response-id',
  'no-stream',
  'delete-after',
  'json',
] as const;

/** The openConversation options the flags give (`h2o-rx chat`). */
export const conversationOptions = (
  values: Values,
  baseUrl: string | undefined,
): ConversationOptions => {
  const given = oneShotFlags.filter((flag) => values[flag] !== undefined);
  if (given.length > 0) {
    throw new UsageError(`chat takes no ${given.map((flag) => `--${flag}`).join(', ')}`);
  }
  return completionOptions(values, baseUrl) as ConversationOptions;
};
