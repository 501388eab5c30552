import { createChatUiDialect } from './chat-ui/dialect';
import { chatUiSettingsOf } from './chat-ui/settings';
import type { Exchange } from './server/exchange';
import { DEFAULT_LIMITS, type StoreLimits } from './shared/lru';
import { createH2oDialect } from './h2o/dialect';
import type { EmulatorFault, EmulatorOptions, EmulatorStep } from './types';

/** A server the emulator can impersonate: its routes, and how it fails. */
export interface Dialect {
  /** The step a request is for, if it is one of the protocol's steps. */
  stepOf(method: string, pathname: string): EmulatorStep | undefined;
  /** Answer a request as the real server would. */
  handle(exchange: Exchange): Promise<void>;
  /** Answer with an injected `status` fault, in this server's style. */
  fail(exchange: Exchange, fault: EmulatorFault): void;
  /** Throws for a fault this server cannot act out. */
  checkFault?(fault: EmulatorFault): void;
}

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
