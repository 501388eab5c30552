import type { H2oStep } from '../errors';
import { unexpectedResponse } from '../protocol-errors';
import { readText } from './body';
import type { Received } from './request';

// Generous for any JSON answer of the handshake, small enough that a runaway body cannot
// exhaust memory.
const maxJsonChars = 8 * 1024 * 1024;

const readJson = async (
  step: H2oStep,
  { response, body }: Received,
  want: 'object' | 'array',
): Promise<unknown> => {
  const type = response.headers.get('content-type') ?? '';
  const text = await readText(body, maxJsonChars + 1);
  const unexpected = (what: string) =>
    unexpectedResponse(step, what, `${step}: expected JSON, got ${what}`);
  if (/html/i.test(type) || /^\s*</.test(text)) throw unexpected('an HTML page');
  if (text.length > maxJsonChars) throw unexpected('a body over 8 MiB');
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && Array.isArray(json) === (want === 'array')) {
      return json;
    }
  } catch {
    // Reported below with what came instead.
  }
  throw unexpected(`'${text.slice(0, 120)}' (${type || 'no content type'})`);
};

/** Reads an answer that must be a JSON object; anything else is `unexpected-response`. */
export const readJsonObject = (step: H2oStep, answer: Received) =>
  readJson(step, answer, 'object') as Promise<Record<string, unknown>>;

/** Reads an answer that must be a JSON array; anything else is `unexpected-response`. */
export const readJsonArray = (step: H2oStep, answer: Received) =>
  readJson(step, answer, 'array') as Promise<unknown[]>;
