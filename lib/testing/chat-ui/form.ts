/** The boundary of a `multipart/form-data` Content-Type, if it names one. */
const boundaryOf = (contentType: string): string | undefined => {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
};

const fieldName = (headers: string): string | undefined =>
  /^content-disposition:\s*form-data\s*;(?:.*;)?\s*name="([^"]*)"/im.exec(headers)?.[1];

const readMultipart = (body: string, boundary: string): Map<string, string> | undefined => {
  const delimiter = `--${boundary}`;
  const start = body.indexOf(delimiter);
  const end = body.indexOf(`\r\n${delimiter}--`);
  if (start < 0 || end < start) return undefined;
  const fields = new Map<string, string>();
  const parts = body.slice(start + delimiter.length, end).split(`\r\n${delimiter}`);
  for (const part of parts) {
    if (!part.startsWith('\r\n')) return undefined;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const name = fieldName(part.slice(2, headerEnd));
    if (name === undefined) return undefined;
    // The first value of a name wins, as `FormData.get` returns it.
    if (!fields.has(name)) fields.set(name, part.slice(headerEnd + 4));
  }
  return fields;
};

/**
 * The fields of a request body as SvelteKit's `request.formData()` reads them, or undefined
 * where it throws (a JSON body, no Content-Type, a broken multipart body): chat-ui's 500.
 */
export const readForm = (
  contentType: string | undefined,
  body: string,
): Map<string, string> | undefined => {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return new Map([...new URLSearchParams(body)].reverse());
  }
  if (type !== 'multipart/form-data') return undefined;
  const boundary = boundaryOf(contentType ?? '');
  return boundary === undefined ? undefined : readMultipart(body, boundary);
};
