import { randomUUID } from 'node:crypto';
import { models } from '../../../lib/models';
import { send, type Incoming, type OnChunk } from './http-client';

/** The model the helpers use. */
export const MODEL = models['falcon-40b'];

/** A session that posted its settings, and one conversation of it. */
export interface Ready {
  cookie: string;
  conversationId: string;
}

/** The `hf-chat=…` pair of a response's Set-Cookie. */
export const cookieOf = (res: Incoming): string => {
  const header = res.headers['set-cookie']?.[0];
  if (!header) throw new Error(`no Set-Cookie (status ${res.status})`);
  return header.split(';')[0];
};

/** The three handshake steps of dialect h2o, over node:http. */
export const handshake = async (url: string): Promise<Ready> => {
  const cookie = cookieOf(await send(url, { method: 'GET', path: '/' }));
  await send(url, {
    method: 'POST',
    path: '/settings',
    headers: {
      cookie,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      referer: `${url}/`,
    },
    body: `ethicsModalAccepted=true&activeModel=${encodeURIComponent(MODEL)}`,
  });
  const created = await send(url, {
    method: 'POST',
    path: '/conversation',
    headers: { cookie, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL }),
  });
  const { conversationId } = JSON.parse(created.body) as { conversationId: string };
  return { cookie, conversationId };
};

/** The stream request body the provider sends, with `parameters` merged over its defaults. */
export const streamBody = (inputs: string, parameters: Record<string, unknown> = {}): string =>
  JSON.stringify({
    inputs,
    parameters: {
      temperature: 0.4,
      truncate: 2048,
      max_new_tokens: 1024,
      do_sample: true,
      repetition_penalty: 1.2,
      return_full_text: false,
      ...parameters,
    },
    stream: true,
    options: {
      id: randomUUID(),
      response_id: randomUUID(),
      is_retry: false,
      use_cache: false,
      web_search_id: '',
    },
  });

/** `POST /conversation/:id` with the provider's body. */
export const postStream = (
  url: string,
  ready: Ready,
  inputs = 'user: Hi\nassistant:',
  parameters: Record<string, unknown> = {},
  onChunk?: OnChunk,
): Promise<Incoming> =>
  send(
    url,
    {
      method: 'POST',
      path: `/conversation/${ready.conversationId}`,
      // What fetch sends by default; without any Accept, errors come as HTML pages.
      headers: { cookie: ready.cookie, accept: '*/*', 'content-type': 'application/json' },
      body: streamBody(inputs, parameters),
    },
    onChunk,
  );

/** `POST /conversation/:id/stop-generating`. */
export const postStop = (url: string, ready: Ready): Promise<Incoming> =>
  send(url, {
    method: 'POST',
    path: `/conversation/${ready.conversationId}/stop-generating`,
    headers: { cookie: ready.cookie, accept: '*/*' },
  });
