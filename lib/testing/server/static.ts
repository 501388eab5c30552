import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A file found in the static folder. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.wasm': 'application/wasm',
};

/**
 * The file `pathname` names under `root` (a folder's `index.html` for a folder), or undefined
 * when there is none or the path would leave `root`.
 */
export const readStatic = async (
  root: string,
  pathname: string,
): Promise<StaticFile | undefined> => {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const base = path.resolve(root);
  let file = path.resolve(base, `.${relative}`);
  if (file !== base && !file.startsWith(base + path.sep)) return undefined;
  try {
    let stat = await fs.stat(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = await fs.stat(file);
    }
    if (!stat.isFile()) return undefined;
    const type = contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return { body: await fs.readFile(file), contentType: type };
  } catch {
    return undefined;
  }
};
