import { firstValueFrom, lastValueFrom, toArray, Observable } from 'rxjs';
import type { CompletionEvent, H2oConversation } from '../../lib';
import type { Emulator, RecordedRequest } from '../../lib/testing';

/** The conversation an `openConversation` emitted (it emits one, then completes). */
export const opened = (open$: Observable<H2oConversation>) => firstValueFrom(open$);

/** Every event of one turn. */
export const turn = (turn$: Observable<CompletionEvent>) => lastValueFrom(turn$.pipe(toArray()));

/** The text of a turn's `done`. */
export const doneText = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'done' ? [e.text] : []))[0];

/** The emulator's requests from index `from` on, as `METHOD path` with ids masked. */
export const since = (emu: Emulator, from: number) =>
  emu.requests
    .slice(from)
    .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{24}/, ':id').replace(/\?.*/, '')}`);

/** The `data` JSON of a chat-ui stream request (multipart). */
export const chatUiData = (r: RecordedRequest): Record<string, unknown> =>
  JSON.parse(/name="data"\r\n\r\n(.*)\r\n--/s.exec(r.body)?.[1] ?? '{}') as Record<string, unknown>;

/** The stream requests the emulator saw. */
export const streams = (emu: Emulator) =>
  emu.requests.filter((r) => r.method === 'POST' && /^\/conversation\/[0-9a-f]{24}$/.test(r.path));
