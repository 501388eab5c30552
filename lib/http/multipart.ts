import type { EncodedFile } from '../files/encode';
import { uuidV4 } from '../uuid';
import type { WireBody } from './transport';

// A browser's escapes in a part's filename (the HTML form encoding): the quote and line breaks.
const escapeFilename = (name: string): string =>
  name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * A `multipart/form-data` body of one text field, `name`, holding `value` (already text), after
 * `files` as chat-ui's front end appends them: a `files` part each, named `base64;<name>`, its
 * Content-Type the file's (a browser's `application/octet-stream` when it has none), its body
 * the base64 text. A fresh boundary each time.
 */
export const multipartField = (
  name: string,
  value: string,
  files: readonly EncodedFile[] = [],
): WireBody => {
  const separator = `----h2o-rx-${uuidV4()}`;
  const parts = files.map(
    (file) =>
      `--${separator}\r\nContent-Disposition: form-data; name="files"; ` +
      `filename="${escapeFilename(`base64;${file.name}`)}"\r\n` +
      `Content-Type: ${file.type || 'application/octet-stream'}\r\n\r\n${file.base64}\r\n`,
  );
  return {
    body:
      parts.join('') +
      `--${separator}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n` +
      `${value}\r\n--${separator}--\r\n`,
    contentType: `multipart/form-data; boundary=${separator}`,
  };
};
