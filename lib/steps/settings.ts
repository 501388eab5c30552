import type { Observable } from 'rxjs';
import { drainBody } from '../http/body';
import { readJsonObject } from '../http/json';
import { exchange$, Received, type RequestParts } from '../http/request';
import type { Transport, WireBody } from '../http/transport';
import { unexpectedResponse } from '../protocol-errors';
import type { StepResult } from './chain';

// Both answers of the form action mean success: a 303 (not followed: it would cost a fifth
// request) or, when Accept asks for JSON, `{"type":"redirect"}`. A browser's manual redirect
// shows as an opaque response with status 0.
const isRedirect = (status: number, response: Response) =>
  (status >= 200 && status < 300) ||
  status === 303 ||
  status === 302 ||
  response.type === 'opaqueredirect';

const settingsRequest = (
  transport: Transport,
  init: Omit<RequestParts, 'method'>,
  accept: ((status: number, response: Response) => boolean) | undefined,
  read: (received: Received) => Promise<void>,
): Observable<StepResult<void>> =>
  exchange$(transport, {
    step: 'settings',
    path: '/settings',
    init: { method: 'POST', ...init },
    accept,
    consume: async (received, out) => {
      await read(received);
      out.next({ step: 'settings', ms: received.ms, value: undefined });
    },
  });

const refused = async (received: Received) => {
  if (received.response.status !== 200) return drainBody(received.body);
  const json = await readJsonObject('settings', received);
  if (json.type !== 'redirect' && json.type !== 'success') {
    const what = JSON.stringify(json).slice(0, 200);
    throw unexpectedResponse(
      'settings',
      what,
      `settings: the server refused the settings: ${what}`,
    );
  }
};

/**
 * `POST /settings` (dialect h2o): accept the welcome modal and pick the model. A form POST,
 * so it needs a same-origin Referer to pass the server's CSRF check.
 */
export const settings$ = (transport: Transport, origin: string, form: WireBody) =>
  settingsRequest(
    transport,
    {
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        'content-type': form.contentType,
        referer: `${origin}/`,
      },
      body: form.body,
    },
    isRedirect,
    refused,
  );

/**
 * `POST /settings` of today's chat-ui: JSON. Optional for one completion; it mints the
 * session cookie, so completions sharing a session share one cookie.
 */
export const chatUiSettings$ = (transport: Transport, json: WireBody) =>
  settingsRequest(
    transport,
    { headers: { accept: 'application/json', 'content-type': json.contentType }, body: json.body },
    undefined,
    (received) => drainBody(received.body),
  );
