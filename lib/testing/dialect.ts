import { createChatUiDialect } from './chat-ui/dialect';
import { chatUiSettingsOf } from './chat-ui/settings';
import type { Dialect } from './server/dialect';
import { DEFAULT_LIMITS, type StoreLimits } from './shared/lru';
import { createH2oDialect } from './h2o/dialect';
import type { EmulatorFault, EmulatorOptions } from './types';

// mid-2023 chat-ui never retried its backend: there is nothing for `rerun` to imitate.
const refuseRerun = (fault: EmulatorFault): void => {
  if (fault.kind === 'rerun') {
    throw new Error(
      `emulator fault: kind rerun needs dialect 'chat-ui' in ${JSON.stringify(fault)}`,
    );
  }
};

const limit = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`startEmulator: ${name} must be an integer >= 1, got ${value}`);
  }
  return value;
};

const limitsOf = (options: EmulatorOptions): StoreLimits => ({
  sessions: limit('maxSessions', options.maxSessions, DEFAULT_LIMITS.sessions),
  conversations: limit('maxConversations', options.maxConversations, DEFAULT_LIMITS.conversations),
});

/** The dialect an emulator speaks, set up from the emulator's options. */
export const createDialect = (
  name: NonNullable<EmulatorOptions['dialect']>,
  options: EmulatorOptions = {},
): Dialect => {
  const limits = limitsOf(options);
  if (name === 'chat-ui') return createChatUiDialect(chatUiSettingsOf(options.chatUi), limits);
  if (options.chatUi !== undefined) {
    throw new Error(`startEmulator: chatUi options need dialect 'chat-ui', not '${String(name)}'`);
  }
  if (name === 'h2o') return { ...createH2oDialect(limits), checkFault: refuseRerun };
  throw new Error(`startEmulator: unknown dialect '${String(name)}' (use 'h2o' or 'chat-ui')`);
};
