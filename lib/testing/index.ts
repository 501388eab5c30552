/**
 * `h2o-rx/testing`: an emulated chat server for tests, speaking the real server's protocol.
 * @packageDocumentation
 */
export { startEmulator } from './emulator';
export { REASONING_MODEL_ID, TOOL_MODEL_ID, VISION_MODEL_ID } from './chat-ui/models';
/** The shapes of the emulator's options, faults and records. */
export type {
  Emulator,
  EmulatorChatUiModel,
  EmulatorChatUiOptions,
  EmulatorH2oOptions,
  EmulatorFault,
  EmulatorOptions,
  EmulatorReasoningOptions,
  EmulatorStep,
  EmulatorToolCall,
  RecordedFile,
  RecordedInputs,
  RecordedPrompt,
  RecordedRequest,
} from './types';
