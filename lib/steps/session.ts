import type { Observable } from 'rxjs';
import { readText } from '../http/body';
import { exchange$ } from '../http/request';
import type { Transport } from '../http/transport';
import type { StepResult } from './chain';

/** `GET /`: the server mints the session cookie (the page itself is not needed). */
export const session$ = (transport: Transport): Observable<StepResult<void>> =>
  exchange$(transport, {
    step: 'session',
    path: '/',
    init: { method: 'GET', headers: { accept: 'text/html' } },
    consume: async ({ body, ms }, out) => {
      await readText(body, 0);
      out.next({ step: 'session', ms, value: undefined });
    },
  });
