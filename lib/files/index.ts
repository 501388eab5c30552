export type { H2oFile } from './types';
export type { H2oMcpServer, McpSelection } from './mcp';
export { mcpSelection } from './mcp';
export {
  acceptedTypes,
  chatUiOnly,
  checkFiles,
  checkFileTypes,
  MAX_FILE_BYTES,
  mimeAllowed,
} from './checks';
export type { FileCapabilities, TurnFileSource } from './checks';
export { encodeFiles } from './encode';
export type { EncodedFile } from './encode';
