import { malformed } from '../protocol-errors';

/** Parses a payload that must be a JSON object; anything else is `malformed`. */
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
