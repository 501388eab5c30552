import type { TurnFileSource } from './checks';

/** A file ready for the wire: its name, MIME type and content in base64. */
export interface EncodedFile {
  readonly name: string;
  readonly type: string;
  readonly base64: string;
}

// btoa takes a "binary string"; built in slices, as a spread of 10 MB would overflow the stack.
const SLICE = 0x8000;
const base64Of = (bytes: Uint8Array): string => {
  let binary = '';
  for (let at = 0; at < bytes.length; at += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(at, at + SLICE));
  }
  return btoa(binary);
};

const bytesOf = async (data: Blob | Uint8Array): Promise<Uint8Array> =>
  data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());

/** Reads each file and encodes it in base64, as chat-ui's front end does (`readAsDataURL`). */
export const encodeFiles = (files: readonly TurnFileSource[]): Promise<EncodedFile[]> =>
  Promise.all(
    files.map(async (file) => ({
      name: file.name,
      type: file.type,
      base64: base64Of(await bytesOf(file.data)),
    })),
  );
