export { createH2oChat } from './chat';
export type { H2oChat, H2oChatOptions, H2oSendOptions } from './chat';
export { chatReducer } from './reducer';
export type { ChatAction, ChatReducerOptions } from './reducer';
export { emptyChatState } from './state';
export type {
  ChatAnswerState,
  ChatFilePart,
  ChatMessage,
  ChatPart,
  ChatReasoningPart,
  ChatState,
  ChatStatus,
  ChatTextPart,
  ChatToolPart,
} from './state';
