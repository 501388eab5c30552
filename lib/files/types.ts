/**
 * A file to send with a turn (`ask$(text, { files })`): a `File` (a `Blob` with a `name`, as
 * an `<input type=file>` or `fetch` gives one), or its parts: `name`, MIME `type` and its bytes
 * as a `Blob` or a `Uint8Array` (Node's `Buffer` is one).
 *
 * @example
 * const picture: H2oFile = { name: 'cat.png', type: 'image/png', data: readFileSync('cat.png') };
 */
export type H2oFile = Blob | { name: string; type: string; data: Blob | Uint8Array };
