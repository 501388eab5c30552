export { h2oChatTransport } from './transport';
export type { H2oChatTransport, H2oChatTransportOptions } from './transport';
export { toUiMessageChunks, uiMessageChunks } from './chunks';
export type { ChunkOptions } from './chunks';
