import { randomUUID } from 'node:crypto';
import { send, type Incoming, type OnChunk } from './http-client';

/** The boundary the helpers' multipart bodies use. */
export const BOUNDARY = '----h2oRxTestBoundary';

/** A session cookie and one conversation of it, with the parent of its next message. */
export interface ChatUiReady {
  cookie: string;
  conversationId: string;
  /** The conversation's root message id (`json.rootMessageId`). */
  rootMessageId: string;
}

/** The `hf-chat=…` pair of a response's Set-Cookie. */
export const cookieOf = (res: Incoming): string => {
  const header = res.headers['set-cookie']?.[0];
  if (!header) throw new Error(`no Set-Cookie (status ${res.status})`);
  return header.split(';')[0];
};

/** A `multipart/form-data` body with the given text fields. */
export const multipart = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('') + `--${BOUNDARY}--\r\n`;

/** A file part of a multipart body: its filename, Content-Type and body text. */
export interface FilePart {
  filename: string;
  type: string;
  body: string;
}

/** A `multipart/form-data` body with file parts first, then text fields, as chat-ui's client. */
export const multipartWithFiles = (files: FilePart[], fields: Record<string, string>): string =>
  files
    .map(
      (file) =>
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n${file.body}\r\n`,
    )
    .join('') + multipart(fields);

/** `POST /conversation` with `{model}` and `extra` (and the cookie, when given). */
export const postConversation = (
  url: string,
  model: string,
  cookie?: string,
  extra: Record<string, unknown> = {},
): Promise<Incoming> =>
  send(url, {
    method: 'POST',
    path: '/conversation',
    headers: {
      accept: '*/*',
      'content-type': 'application/json',
      ...(cookie === undefined ? {} : { cookie }),
    },
    body: JSON.stringify({ model, ...extra }),
  });

/** The superjson conversation `POST /conversation` embeds. */
export const embedded = (res: Incoming): { json: Record<string, unknown> } =>
  JSON.parse((JSON.parse(res.body) as { conversation: string }).conversation) as {
    json: Record<string, unknown>;
  };

/** A new session and conversation (no cookie sent: the conversation POST mints it). */
export const newConversation = async (
  url: string,
  model = 'llama3',
  extra: Record<string, unknown> = {},
): Promise<ChatUiReady> => {
  const res = await postConversation(url, model, undefined, extra);
  if (res.status !== 200) throw new Error(`POST /conversation: ${res.status} ${res.body}`);
  return {
    cookie: cookieOf(res),
    conversationId: (JSON.parse(res.body) as { conversationId: string }).conversationId,
    rootMessageId: embedded(res).json.rootMessageId as string,
  };
};

/** The `data` field of a stream request, as chat-ui's own client sends it. */
export const streamData = (
  inputs: string,
  parentId: string,
  extra: Record<string, unknown> = {},
): string =>
  JSON.stringify({ inputs, id: parentId, is_retry: false, is_continue: false, ...extra });

/** `POST /conversation/:id` with a multipart `data` field and a same-origin Origin. */
export const postStream = (
  url: string,
  ready: ChatUiReady,
  data = streamData('Hi', ready.rootMessageId, { generationId: randomUUID() }),
  onChunk?: OnChunk,
  headers: Record<string, string> = {},
  files: FilePart[] = [],
): Promise<Incoming> =>
  send(
    url,
    {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      headers: {
        accept: '*/*',
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        origin: url,
        cookie: ready.cookie,
        ...headers,
      },
      body: multipartWithFiles(files, { data }),
    },
    onChunk,
  );

/** `POST /conversation/:id/stop-generating`, with a JSON body when one is given. */
export const postStop = (
  url: string,
  ready: ChatUiReady,
  body?: Record<string, unknown>,
): Promise<Incoming> =>
  send(url, {
    method: 'POST',
    path: `/conversation/${ready.conversationId}/stop-generating`,
    headers: {
      accept: '*/*',
      cookie: ready.cookie,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** `GET /api/v2/conversations/:id`, parsed. */
export const getConversation = async (
  url: string,
  ready: ChatUiReady,
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await send(url, {
    method: 'GET',
    path: `/api/v2/conversations/${ready.conversationId}`,
    headers: { accept: '*/*', cookie: ready.cookie },
  });
  const body = JSON.parse(res.body) as { json: Record<string, unknown> };
  return { status: res.status, json: body.json };
};

/** The stream's lines (without the last, empty one). */
export const lines = (body: string): string[] => body.split('\n').slice(0, -1);

/** The stream's updates parsed, padding stripped from tokens, `finished` unpadded. */
export const updates = (body: string): Record<string, unknown>[] =>
  lines(body).map((line) => {
    const update = JSON.parse(line.trimStart()) as Record<string, unknown>;
    if (update.type === 'stream') update.token = String(update.token).replace(/\0+$/, '');
    return update;
  });

/** The updates that are not keep-alives. */
export const withoutKeepAlives = (body: string): Record<string, unknown>[] =>
  updates(body).filter((u) => u.status !== 'keepAlive');

/** The answer's tokens, padding stripped. */
export const tokens = (body: string): string[] =>
  updates(body)
    .filter((u) => u.type === 'stream')
    .map((u) => String(u.token));
