import type { Dialect } from '../dialect';
import { H2oInputError } from '../errors';

/** Refuses `what` outside dialect chat-ui: the 2023 server reads only a turn's text. */
export const chatUiOnly = (dialect: Dialect, what: string, given: boolean): void => {
  if (given && dialect !== 'chat-ui') {
    throw new H2oInputError(
      `dialect ${dialect} (2023 chat-ui) takes no ${what}: its server has none`,
    );
  }
};

/** A file checked and named: its name, MIME type, size and bytes (not read yet). */
export interface TurnFileSource {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly data: Blob | Uint8Array;
}

/** chat-ui's limit on one file, in bytes, which its front end checks before sending. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

const isBlob = (value: unknown): value is Blob =>
  typeof Blob !== 'undefined' && value instanceof Blob;

const sourceOf = (file: unknown, at: string): TurnFileSource => {
  if (isBlob(file)) {
    const { name } = file as Blob & { name?: unknown };
    if (typeof name !== 'string' || name === '') {
      throw new H2oInputError(
        `${at} is a Blob without a name: give a File, or { name, type, data }`,
      );
    }
    return { name, type: file.type, size: file.size, data: file };
  }
  if (typeof file !== 'object' || file === null) {
    throw new H2oInputError(`${at} must be a File or { name, type, data }`);
  }
  const { name, type, data } = file as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') {
    throw new H2oInputError(`${at}.name must be a non-empty string`);
  }
  if (typeof type !== 'string') throw new H2oInputError(`${at}.type must be a string`);
  if (isBlob(data)) return { name, type, size: data.size, data };
  if (data instanceof Uint8Array) return { name, type, size: data.byteLength, data };
  throw new H2oInputError(`${at}.data must be a Blob or a Uint8Array`);
};

/**
 * The `files` option checked as chat-ui's front end checks a pick before it sends it: each a
 * `File` or `{ name, type, data }`, none over 10 MB (its 413, refused here before any request).
 * Dialect chat-ui only.
 */
export const checkFiles = (files: unknown, dialect: Dialect): TurnFileSource[] => {
  chatUiOnly(dialect, 'files', files !== undefined);
  if (files === undefined) return [];
  if (!Array.isArray(files)) throw new H2oInputError('files must be an array of files');
  const sources = files.map((file, i) => sourceOf(file, `files[${i}]`));
  const big = sources.find((file) => file.size > MAX_FILE_BYTES);
  if (big) {
    throw new H2oInputError(
      `file ${big.name} is ${big.size} bytes: the server takes files up to 10 MB (${MAX_FILE_BYTES} bytes)`,
    );
  }
  return sources;
};

// What chat-ui's front end offers every model (text), and a multimodal one lists no types.
const TEXT_TYPES = ['text/*', 'application/json', 'application/xml', 'application/csv'];
const DEFAULT_IMAGE_TYPES = ['image/jpeg', 'image/png'];

/** What a model says it takes, as the server's model list gives it. */
export interface FileCapabilities {
  readonly multimodal?: boolean;
  readonly multimodalAcceptedMimetypes?: readonly string[];
}

/** The MIME types chat-ui's front end lets a user attach for `model` (wildcards kept). */
export const acceptedTypes = (model: FileCapabilities | undefined): string[] => [
  ...new Set([
    ...TEXT_TYPES,
    ...(model?.multimodal ? (model.multimodalAcceptedMimetypes ?? DEFAULT_IMAGE_TYPES) : []),
  ]),
];

/** `mime` matches an allowlist entry, `*` standing for any type or subtype (chat-ui's rule). */
export const mimeAllowed = (mime: string, allowlist: readonly string[]): boolean => {
  const [type, subtype] = mime.split('/');
  return allowlist.some((allowed) => {
    const [allowedType, allowedSubtype] = allowed.split('/');
    return (
      (allowedType === '*' || allowedType === type) &&
      (allowedSubtype === '*' || allowedSubtype === subtype)
    );
  });
};

/** Refuses, as chat-ui's front end does, a file whose type `model` does not take. */
export const checkFileTypes = (
  files: readonly TurnFileSource[],
  modelId: string,
  model: FileCapabilities | undefined,
): void => {
  const allowed = acceptedTypes(model);
  const refused = files.find((file) => !mimeAllowed(file.type, allowed));
  if (refused) {
    throw new H2oInputError(
      `file ${refused.name} is of type ${refused.type || '(none)'}, which model ${modelId} does not take: it takes ${allowed.join(', ')}`,
    );
  }
};
