import { nonNegative } from '../shared/options';
import { chatUiModel, chatUiModelIds, type ChatUiModel } from './models';
import type { EmulatorChatUiOptions, EmulatorToolCall } from '../types';

/** How the reasoning model thinks, defaults applied. */
export interface ReasoningSettings {
  durationMs: number;
  tokens: number;
  wire: 'think' | 'updates' | 'hidden';
}

/** The `chatUi` options, defaults applied. */
export interface ChatUiSettings {
  models: readonly ChatUiModel[];
  title: (inputs: string) => string;
  omitRootMessageId: boolean;
  backendRetryMs: number;
  reasoning: ReasoningSettings;
  mcpServers: readonly { name: string; url: string }[];
  tool: (prompt: string) => EmulatorToolCall;
  provider?: string;
}

/** A title as chat-ui's titling prompt asks for one: the first few words, no end punctuation. */
export const defaultTitle = (inputs: string): string =>
  inputs
    .trim()
    .split(/\s+/)
    .slice(0, 4)
    .join(' ')
    .replace(/[\p{P}\s]+$/u, '') || 'New Chat';

/** The tool call of the tool-calling model when no `tool` option is given. */
export const defaultTool = (prompt: string): EmulatorToolCall => ({
  name: 'search',
  parameters: { query: prompt },
  output: `Results for ${prompt}`,
});

const DEFAULT_MCP_SERVERS = [{ name: 'tools', url: 'https://mcp.example.com/mcp' }];

const validModel = (entry: unknown): boolean =>
  typeof entry === 'string'
    ? entry !== ''
    : typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as { id?: unknown }).id === 'string' &&
      (entry as { id: string }).id !== '';

/** Checks the `chatUi` options (a mistake throws at start, not mid-test) and applies defaults. */
export const chatUiSettingsOf = (options: EmulatorChatUiOptions = {}): ChatUiSettings => {
  const { models = chatUiModelIds, backendRetryMs = 250, reasoning = {} } = options;
  if (!Array.isArray(models) || models.length === 0 || !models.every(validModel)) {
    throw new Error('startEmulator: chatUi.models must be a non-empty array of model ids');
  }
  const wire = reasoning.wire ?? 'think';
  if (!['think', 'updates', 'hidden'].includes(wire)) {
    throw new Error(`startEmulator: chatUi.reasoning.wire must be think, updates or hidden`);
  }
  return {
    models: models.map(chatUiModel),
    title: options.title ?? defaultTitle,
    omitRootMessageId: options.omitRootMessageId ?? false,
    backendRetryMs: nonNegative('chatUi.backendRetryMs', backendRetryMs, 250),
    reasoning: {
      durationMs: nonNegative('chatUi.reasoning.durationMs', reasoning.durationMs, 30_000),
      tokens: nonNegative('chatUi.reasoning.tokens', reasoning.tokens, 20, true),
      wire,
    },
    mcpServers: (options.mcpServers ?? DEFAULT_MCP_SERVERS).map(({ name, url }) => ({ name, url })),
    tool: options.tool ?? defaultTool,
    provider: options.provider,
  };
};
