export { completion$, completionEvents$ } from './completion';
export type {
  ChatUiUpdateEvent,
  CompletionEvent,
  DoneEvent,
  FileEvent,
  HandshakeStep,
  KeepAliveEvent,
  ReasoningEvent,
  ReasoningStatusEvent,
  RouterEvent,
  StepEvent,
  TitleEvent,
  TokenEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolProgressEvent,
  ToolResultEvent,
} from './events';
export { H2oError, H2oHttpError, H2oInputError, H2oNetworkError, H2oProtocolError } from './errors';
export type { H2oProtocolReason, H2oStep } from './errors';
export { withCookieJar } from './http/default-fetch';
export type { H2oFile, H2oMcpServer } from './files';
export { listModels$ } from './list-models';
export type { ListModelsOptions, ModelInfo } from './list-models';
export { defaultModel, models, modelId } from './models';
export type { ModelAlias, ModelId } from './models';
export { defaultBaseUrl, defaultEndToken } from './options';
export type { CompletionOptions, Dialect } from './options';
export type { FetchLike } from './http/transport';
export { formatPrompt } from './prompt';
export type { Message, Role } from './prompt';
export { provider } from './provider';
export { h2oRetry, isRetryable, retryDelayMs } from './retry';
export type { H2oRetryOptions } from './retry';
export { openSession } from './session';
export type { H2oSession, SessionOptions } from './session';
export { h2oText } from './text';
export { openConversation } from './conversation';
export type {
  AskOptions,
  ConversationOptions,
  H2oConversation,
  HistoryMessage,
} from './conversation';
