import type { FileUIPart, UIMessage } from 'ai';
import { H2oInputError, type H2oFile } from '../index';

/** A file part of a UI message as a turn's file (`ask$(text, { files })`): its bytes read. */
export type TurnFile = Extract<H2oFile, { data: unknown }> & { data: Uint8Array };

// `data:[<type>][;base64],<data>`: what the AI SDK makes of a picked file.
const dataOf = (url: string): Uint8Array => {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) {
    throw new H2oInputError(
      `a file part must carry its content as a data: URL (got ${url.slice(0, 40)})`,
    );
  }
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (!/;base64$/i.test(head)) return new TextEncoder().encode(decodeURIComponent(body));
  const binary = atob(body);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

/** The file parts of a user message as a turn's files (`data:` URLs only). */
export const filesOf = (message: UIMessage): TurnFile[] =>
  message.parts
    .filter((part): part is FileUIPart => part.type === 'file')
    .map((part, i) => ({
      name: part.filename ?? `file-${i + 1}`,
      type: part.mediaType,
      data: dataOf(part.url),
    }));
