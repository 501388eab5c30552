import type { Observable } from 'rxjs';
import { H2oProtocolError } from '../errors';
import { drainBody } from '../http/body';
import { exchange$, Transport } from '../http/exchange';
import { readJsonObject } from './json';
import type { StepResult } from './step';

/** The settings form exactly as the provider sent it. */
export const settingsForm = (model: string): string =>
  'ethicsModalAccepted=true&shareConversationsWithModelAuthors=true&ethicsModalAcceptedAt=' +
  `&activeModel=${encodeURIComponent(model)}&searchEnabled=true`;

// Both answers of the form action mean success: a 303 (not followed: it would cost a fifth
// request) or, when Accept asks for JSON, `{"type":"redirect"}`. A browser's manual redirect
// shows as an opaque response with status 0.
const isRedirect = (status: number, response: Response) =>
  (status >= 200 && status < 300) ||
  status === 303 ||
  status === 302 ||
  response.type === 'opaqueredirect';

/**
 * `POST /settings` (dialect h2o): accept the welcome modal and pick the model. A form POST,
 * so it needs a same-origin Referer to pass the server's CSRF check.
 */
export const settings$ = (
  transport: Transport,
  origin: string,
  model: string,
): Observable<StepResult<void>> =>
  exchange$(transport, {
    step: 'settings',
    path: '/settings',
    init: {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        referer: `${origin}/`,
      },
      body: settingsForm(model),
    },
    accept: isRedirect,
    consume: async (answer, out) => {
      if (answer.response.status === 200) {
        const json = await readJsonObject('settings', answer);
        if (json.type !== 'redirect' && json.type !== 'success') {
          throw new H2oProtocolError(
            'settings',
            'unexpected-response',
            JSON.stringify(json).slice(0, 200),
            `settings: the server refused the settings: ${JSON.stringify(json).slice(0, 200)}`,
          );
        }
      } else {
        await drainBody(answer.body);
      }
      out.next({ step: 'settings', ms: answer.ms, value: undefined });
    },
  });
