import type { ChatUiConversation } from './store';
import type { GenerationRun, RunEvent } from './run';
import type { Exchange } from '../server/exchange';

/** How often the live tail looks for new updates; a heartbeat goes out when there are none. */
export const TAIL_INTERVAL_MS = 250;
// chat-ui ends a resume connection after 5 minutes without `end`: the client reconnects.
const MAX_LIFETIME_MS = 5 * 60_000;

const updateEvent = ({ seq, update }: RunEvent) =>
  `id: ${seq}\nevent: update\ndata: ${JSON.stringify(update)}\n\n`;
const endEvent = (status: string) => `event: end\ndata: ${JSON.stringify({ status })}\n\n`;
const HEARTBEAT = ': heartbeat\n\n';

/** The sequence number to replay after: `Last-Event-ID` wins over `fromSeq`; junk means 0. */
export const resumeCursor = (x: Exchange, query: URLSearchParams): number => {
  const header = x.req.headers['last-event-id'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? query.get('fromSeq') ?? '0';
  const parsed = Number.parseInt(raw, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 0;
};

/** The run named by `generationId` in this conversation, else (none named) its newest. */
export const findRun = (
  conversation: ChatUiConversation,
  generationId: string | null,
): GenerationRun | undefined =>
  generationId === null
    ? conversation.runs.reduce<GenerationRun | undefined>(
        (newest, run) => (newest && newest.startedAt > run.startedAt ? newest : run),
        undefined,
      )
    : conversation.runs.find((run) => run.generationId === generationId);

/**
 * `GET /conversation/:id/stream`, chat-ui's resume channel: the run's logged updates after the
 * cursor as server-sent events (`id: <seq>`, `event: update`), then, while it runs, a tail that
 * looks every 250 ms and sends a heartbeat comment when nothing is new, and `event: end` with the
 * run's status (`gone` when there is no such run). The body ends cleanly after `end`.
 */
export const resumeRoute = async (x: Exchange, conversation: ChatUiConversation): Promise<void> => {
  const query = new URL(x.req.url ?? '/', 'http://e').searchParams;
  let cursor = resumeCursor(x, query);
  x.head(200, {
    vary: 'Accept-Encoding',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'content-type': 'text/event-stream',
    'x-accel-buffering': 'no',
  });
  const run = findRun(conversation, query.get('generationId'));
  if (!run) {
    await x.write(endEvent('gone'));
    return x.end();
  }
  const drain = async (): Promise<number> => {
    const fresh = run.events.filter((e) => e.seq > cursor);
    for (const event of fresh) {
      await x.write(updateEvent(event));
      cursor = event.seq;
    }
    return fresh.length;
  };
  const deadline = Date.now() + MAX_LIFETIME_MS;
  await drain();
  while (!x.isGone() && Date.now() < deadline) {
    if (run.status !== 'running') {
      await drain();
      await x.write(endEvent(run.status));
      return x.end();
    }
    await x.sleep(TAIL_INTERVAL_MS);
    if (x.isGone()) return;
    if ((await drain()) === 0) await x.write(HEARTBEAT);
  }
  // The lifetime cap: a plain end without `end` tells the client to reconnect.
  x.end();
};
