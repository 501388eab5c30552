import { chatUiModelIds } from './models';
import type { EmulatorChatUiOptions } from '../types';

/** The `chatUi` options, defaults applied. */
export interface ChatUiSettings {
  models: readonly string[];
  title: (inputs: string) => string;
  omitRootMessageId: boolean;
  backendRetryMs: number;
}

/** A title as chat-ui's titling prompt asks for one: the first few words, no end punctuation. */
export const defaultTitle = (inputs: string): string =>
  inputs
    .trim()
    .split(/\s+/)
    .slice(0, 4)
    .join(' ')
    .replace(/[\p{P}\s]+$/u, '') || 'New Chat';

/** Checks the `chatUi` options (a mistake throws at start, not mid-test) and applies defaults. */
export const chatUiSettingsOf = (options: EmulatorChatUiOptions = {}): ChatUiSettings => {
  const { models = chatUiModelIds, backendRetryMs = 250 } = options;
  if (
    !Array.isArray(models) ||
    models.length === 0 ||
    !models.every((id) => typeof id === 'string' && id !== '')
  ) {
    throw new Error('startEmulator: chatUi.models must be a non-empty array of model ids');
  }
  if (!Number.isFinite(backendRetryMs) || backendRetryMs < 0) {
    throw new Error(
      `startEmulator: chatUi.backendRetryMs must be a number >= 0, got ${backendRetryMs}`,
    );
  }
  return {
    models: [...models],
    title: options.title ?? defaultTitle,
    omitRootMessageId: options.omitRootMessageId ?? false,
    backendRetryMs,
  };
};
