import { uuidV4 } from '../uuid';
import type { WireBody } from './transport';

/**
 * A `multipart/form-data` body of one field, `name`, holding `value` (already text), with a
 * fresh boundary.
 */
export const multipartField = (name: string, value: string): WireBody => {
  const separator = `----h2o-rx-${uuidV4()}`;
  return {
    body:
      `--${separator}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n` +
      `${value}\r\n--${separator}--\r\n`,
    contentType: `multipart/form-data; boundary=${separator}`,
  };
};
