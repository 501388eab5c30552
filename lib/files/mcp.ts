import type { Dialect } from '../dialect';
import { H2oInputError } from '../errors';
import { isRecord } from '../options/checks';
import { chatUiOnly } from './checks';

/**
 * An MCP server a turn may use (dialect chat-ui, a model with `supportsTools`): the name of one
 * the server is configured with, or a server of your own by its URL (and headers, such as an
 * `Authorization`).
 *
 * @example
 * const servers: H2oMcpServer[] = ['web-search', { name: 'mine', url: 'https://mcp.example.com/mcp' }];
 */
export type H2oMcpServer = string | { name: string; url: string; headers?: Record<string, string> };

/** The selection as chat-ui's front end puts it in the stream's `data`. */
export interface McpSelection {
  readonly selectedMcpServerNames: string[];
  readonly selectedMcpServers: {
    name: string;
    url: string;
    headers: { key: string; value: string }[];
  }[];
}

const checkHeaders = (headers: unknown, at: string): Record<string, string> => {
  if (headers === undefined) return {};
  if (!isRecord(headers) || Object.values(headers).some((value) => typeof value !== 'string')) {
    throw new H2oInputError(`${at}.headers must be an object of string values`);
  }
  return headers as Record<string, string>;
};

/**
 * `mcpServers` as chat-ui's front end sends its enabled servers: every name in
 * `selectedMcpServerNames` (the server uses only those; `[]` turns its tools off), the ones
 * given by URL in `selectedMcpServers`; undefined when not given (the server uses all of its own).
 * Dialect chat-ui only.
 */
export const mcpSelection = (servers: unknown, dialect: Dialect): McpSelection | undefined => {
  chatUiOnly(dialect, 'mcpServers', servers !== undefined);
  if (servers === undefined) return undefined;
  if (!Array.isArray(servers)) throw new H2oInputError('mcpServers must be an array');
  const selection: McpSelection = { selectedMcpServerNames: [], selectedMcpServers: [] };
  servers.forEach((server: unknown, i) => {
    const at = `mcpServers[${i}]`;
    if (typeof server === 'string' && server !== '') {
      selection.selectedMcpServerNames.push(server);
      return;
    }
    const { name, url, headers } = isRecord(server) ? server : {};
    if (typeof name !== 'string' || name === '' || typeof url !== 'string' || url === '') {
      throw new H2oInputError(`${at} must be a server name or { name, url, headers? }`);
    }
    const pairs = Object.entries(checkHeaders(headers, at)).map(([key, value]) => ({ key, value }));
    selection.selectedMcpServerNames.push(name);
    selection.selectedMcpServers.push({ name, url, headers: pairs });
  });
  return selection;
};
