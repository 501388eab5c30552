import { createHash } from 'node:crypto';
import type { ChatUiForm } from './form';
import type { RecordedFile } from '../types';

/** A file as chat-ui stores it on a message: by the hash of its content. */
export interface StoredFile {
  type: 'hash';
  value: string;
  mime: string;
  name: string;
}

/** chat-ui's limit on one file, after base64 decoding ("todo: make configurable"). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** What the stream's `files` parts hold, or why chat-ui refuses them. */
export type ReadFiles =
  | { ok: true; recorded: RecordedFile[]; stored: StoredFile[] }
  | { ok: false; status: 413 | 500; recorded: RecordedFile[] };

// chat-ui hashes `file.text()`: the bytes read as UTF-8 (invalid sequences replaced), re-encoded.
const shaOf = (bytes: Uint8Array): string =>
  createHash('sha256').update(new TextDecoder().decode(bytes), 'utf8').digest('hex');

/**
 * The `files` parts as chat-ui v0.20 reads them: non-empty file parts, each named
 * `base64;<name>` (the body is the file, base64) or `hash;<name>` (the body is a stored file's
 * sha), the part's Content-Type its mime. Another prefix fails its schema (a 500); a decoded
 * file over 10 MB is a 413. Files are stored by hash, the uploaded ones first. The server does
 * not check a file's type against the model's: its front end does.
 */
export const readFiles = (form: ChatUiForm): ReadFiles => {
  const parts = form.files('files').filter((part) => part.value.length > 0);
  const recorded = parts.map((part): RecordedFile => {
    const [encoding, ...rest] = part.filename.split(';');
    const data =
      encoding === 'base64' ? Buffer.from(part.value, 'base64') : Buffer.from(part.value, 'utf8');
    return {
      name: rest.join(';'),
      encoding,
      mime: part.type,
      data: new Uint8Array(data),
      sha: encoding === 'base64' ? shaOf(data) : part.value,
    };
  });
  if (recorded.some((file) => file.encoding !== 'base64' && file.encoding !== 'hash')) {
    return { ok: false, status: 500, recorded };
  }
  const uploads = recorded.filter((file) => file.encoding === 'base64');
  if (uploads.some((file) => file.data.byteLength > MAX_FILE_BYTES)) {
    return { ok: false, status: 413, recorded };
  }
  const stored = [...uploads, ...recorded.filter((file) => file.encoding === 'hash')].map(
    (file): StoredFile => ({ type: 'hash', value: file.sha, mime: file.mime, name: file.name }),
  );
  return { ok: true, recorded, stored };
};
