import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One exchange captured from the real server (a `.raw` file). */
export interface Transcript {
  stem: string;
  request: { method: string; path: string; headers: [string, string][]; body: string };
  response: {
    status: number;
    /** Lower-cased names; repeated headers keep every value. */
    headers: Record<string, string[]>;
    body: string;
    /** The body's exact bytes, for one that is not text (gzip). */
    bytes: Buffer;
    /** The body ended properly (the transcript's "terminated cleanly"). */
    clean: boolean;
  };
}

const MARK = '\n\n=====RESPONSE (exact bytes as received)=====\n';

const splitHead = (text: string): [string[], string] => {
  const end = text.indexOf('\r\n\r\n');
  return [text.slice(0, end).split('\r\n'), text.slice(end + 4)];
};

const dechunk = (framed: string): { bytes: Buffer; clean: boolean } => {
  let rest = Buffer.from(framed, 'latin1');
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return { bytes: Buffer.concat(parts), clean: false };
    const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
    if (size === 0) return { bytes: Buffer.concat(parts), clean: true };
    const start = lineEnd + 2;
    if (rest.length < start + size + 2) {
      parts.push(rest.subarray(start));
      return { bytes: Buffer.concat(parts), clean: false };
    }
    parts.push(rest.subarray(start, start + size));
    rest = rest.subarray(start + size + 2);
  }
};

/** Parses one `.raw` transcript. */
export const parseTranscript = (stem: string, raw: string): Transcript => {
  const at = raw.indexOf(MARK);
  const [requestHead, requestBody] = splitHead(raw.slice(0, at));
  const [responseHead, responseRest] = splitHead(raw.slice(at + MARK.length));
  const [method, target] = requestHead[0].split(' ');
  const field = (line: string): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  };
  const headers: Record<string, string[]> = {};
  for (const [name, value] of responseHead.slice(1).map(field)) {
    (headers[name.toLowerCase()] ??= []).push(value);
  }
  const chunked = headers['transfer-encoding']?.[0]?.toLowerCase() === 'chunked';
  const length = Number(headers['content-length']?.[0] ?? responseRest.length);
  const { bytes, clean } = chunked
    ? dechunk(responseRest)
    : { bytes: Buffer.from(responseRest.slice(0, length), 'latin1'), clean: true };
  return {
    stem,
    request: { method, path: target, headers: requestHead.slice(1).map(field), body: requestBody },
    response: {
      status: Number(responseHead[0].split(' ')[1]),
      headers,
      body: bytes.toString('utf8'),
      bytes,
      clean,
    },
  };
};

/** Every `.raw` transcript in `dir`, sorted by file stem. */
export const loadTranscripts = (dir: string): Transcript[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.raw'))
    .sort()
    .map((name) =>
      parseTranscript(name.slice(0, -'.raw'.length), readFileSync(path.join(dir, name), 'latin1')),
    );
