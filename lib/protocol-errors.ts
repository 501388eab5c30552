import { H2oProtocolError } from './errors';

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** The error for a stream payload that breaks the format, quoting (the start of) it. */
export const malformed = (payload: string, what = ''): H2oProtocolError =>
  new H2oProtocolError('stream', 'malformed', `${what}${excerpt(payload.trim())}`);

/** The error for a failure the server reports inside the stream. */
export const serverError = (message: string, type?: string): H2oProtocolError =>
  new H2oProtocolError(
    'stream',
    'server-error',
    message,
    `stream: the server failed${type ? ` (${type})` : ''}: ${message}`,
    type,
  );

/** Parses a payload that must be a JSON object; anything else is {@link malformed}. */
export const parseObject = <T extends object>(payload: string): T => {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw malformed(payload);
  }
  if (typeof value !== 'object' || value === null) throw malformed(payload);
  return value as T;
};
