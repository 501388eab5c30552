/** A file part of a form: its filename, its Content-Type (lower-cased, as `File` keeps it), its text. */
export interface FormFile {
  filename: string;
  type: string;
  value: string;
}

/** A request's form as chat-ui reads it (`request.formData()`). */
export interface ChatUiForm {
  /** The first entry of `name` if it is text, as `typeof form.get(name) === 'string'` asks. */
  get(name: string): string | undefined;
  /** The file entries of `name`, in order (`form.getAll(name)` narrowed to `File`s). */
  files(name: string): FormFile[];
}

interface Entry {
  name: string;
  value: string;
  file?: { filename: string; type: string };
}

/** The boundary of a `multipart/form-data` Content-Type, if it names one. */
const boundaryOf = (contentType: string): string | undefined => {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
};

const DISPOSITION = /^content-disposition:\s*form-data\s*;(.*)$/im;
const attribute = (disposition: string, key: string): string | undefined =>
  new RegExp(`(?:^|;)\\s*${key}="([^"]*)"`, 'i').exec(disposition)?.[1];

const readEntry = (headers: string, value: string): Entry | undefined => {
  const disposition = DISPOSITION.exec(headers)?.[1];
  const name = disposition === undefined ? undefined : attribute(disposition, 'name');
  if (disposition === undefined || name === undefined) return undefined;
  const filename = attribute(disposition, 'filename');
  if (filename === undefined) return { name, value };
  const type = /^content-type:\s*(.*)$/im.exec(headers)?.[1].trim().toLowerCase() ?? '';
  return { name, value, file: { filename, type } };
};

const readMultipart = (body: string, boundary: string): Entry[] | undefined => {
  const delimiter = `--${boundary}`;
  const start = body.indexOf(delimiter);
  const end = body.indexOf(`\r\n${delimiter}--`);
  if (start < 0 || end < start) return undefined;
  const entries: Entry[] = [];
  for (const part of body.slice(start + delimiter.length, end).split(`\r\n${delimiter}`)) {
    if (!part.startsWith('\r\n')) return undefined;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const entry = readEntry(part.slice(2, headerEnd), part.slice(headerEnd + 4));
    if (!entry) return undefined;
    entries.push(entry);
  }
  return entries;
};

const formOf = (entries: Entry[]): ChatUiForm => ({
  get: (name) => {
    const first = entries.find((entry) => entry.name === name);
    return first && !first.file ? first.value : undefined;
  },
  files: (name) =>
    entries.flatMap((entry) =>
      entry.name === name && entry.file ? [{ ...entry.file, value: entry.value }] : [],
    ),
});

/**
 * A request body as SvelteKit's `request.formData()` reads it, or undefined where it throws (a
 * JSON body, no Content-Type, a broken multipart body): chat-ui's 500.
 */
export const readForm = (contentType: string | undefined, body: string): ChatUiForm | undefined => {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return formOf([...new URLSearchParams(body)].map(([name, value]) => ({ name, value })));
  }
  if (type !== 'multipart/form-data') return undefined;
  const boundary = boundaryOf(contentType ?? '');
  const entries = boundary === undefined ? undefined : readMultipart(body, boundary);
  return entries && formOf(entries);
};
