/**
 * `h2o-rx/testing`: an emulated chat server for tests, speaking the real server's protocol.
 * @packageDocumentation
 */
export { startEmulator } from './emulator';
/** The shapes of the emulator's options, faults and records. */
export type {
  Emulator,
  EmulatorChatUiOptions,
  EmulatorH2oOptions,
  EmulatorFault,
  EmulatorOptions,
  EmulatorStep,
  RecordedPrompt,
  RecordedRequest,
} from './types';
