import { take } from 'rxjs';
import {
  completion$,
  completionEvents$,
  H2oInputError,
  H2oNetworkError,
  H2oProtocolError,
} from '../../lib';
import type { CompletionEvent } from '../../lib';
import { collect, hello, until, unsubscribeWhen } from '../helpers';
import { end, ResumeServer, startResumeServer, update } from '../support/resume-server';

const started = { type: 'status', status: 'started' };
const token = (text: string) => ({ type: 'stream', token: text });
const final = (text: string) => ({ type: 'finalAnswer', text, interrupted: false });
const finished = { type: 'status', status: 'finished' };

let server: ResumeServer | undefined;
afterEach(() => server?.close());

const options = (extra: object = {}) => ({
  baseUrl: server?.url,
  dialect: 'chat-ui' as const,
  ...extra,
});
const texts = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
const resumeGets = () => (server?.requests ?? []).filter((r) => r.method === 'GET');
const generationIdSent = () => {
  const post = server?.requests.find((r) => /^\/conversation\/[0-9a-f]{24}$/.test(r.url));
  return (JSON.parse(/\{.*\}/s.exec(post?.body ?? '')?.[0] ?? '{}') as { generationId?: string })
    .generationId;
};

// The server merged fast tokens into one stored update each: seq 3 holds "Hello, " whole.
const replay = [
  update(1, started),
  update(2, { type: 'title', title: 'Greeting' }),
  ': heartbeat\n\n',
  update(3, token('Hello, ')),
  update(4, token('wor')),
  update(5, token('ld!')),
  update(6, final('Hello, world!')),
  update(7, finished),
  end('completed'),
];

describe('resume (dialect chat-ui, scripted server)', () => {
  it.each(['destroy', 'end'] as const)(
    'a dropped stream (%s) re-attaches: every token once, in order, then done',
    async (postEnd) => {
      // The POST delivered "Hello", "," (2 updates), the stored replay merged them with " ".
      server = await startResumeServer(['Hello', ','], postEnd, [{ chunks: replay, hold: true }]);
      const { values, error, completed } = await collect(completionEvents$('m', hello, options()));
      expect(error).toBeUndefined();
      expect(completed).toBe(true);
      expect(texts(values).join('')).toBe('Hello, world!');
      expect(texts(values)).toEqual(['Hello', ',', ' ', 'wor', 'ld!']);
      expect(values.map((e) => (e.type === 'step' ? e.step : e.type))).toEqual([
        'conversation',
        'stream',
        'token',
        'token',
        'resume',
        'token',
        'token',
        'token',
        'done',
      ]);
      expect(values.at(-1)).toMatchObject({ type: 'done', text: 'Hello, world!', tokens: 5 });
      const [get] = resumeGets();
      expect(get.url).toBe(
        `/conversation/0123456789abcdef01234567/stream?generationId=${generationIdSent()}&fromSeq=0`,
      );
    },
  );

  it('completion$ gets the same text; stream: false the final text', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    expect((await collect(completion$('m', hello, options()))).values.join('')).toBe(
      'Hello, world!',
    );
    await server.close();
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    expect((await collect(completion$('m', hello, options({ stream: false })))).values).toEqual([
      'Hello, world!',
    ]);
  });

  it('a channel that drops too re-attaches after the last update it gave', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [
      { chunks: replay.slice(0, 4) },
      { chunks: replay.slice(4), hold: true },
    ]);
    const { values, error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeUndefined();
    expect(texts(values)).toEqual(['Hello', ', ', 'wor', 'ld!']);
    expect(resumeGets().map((r) => /fromSeq=(\d+)/.exec(r.url)?.[1])).toEqual(['0', '3']);
    expect(values.filter((e) => e.type === 'step' && e.step === 'resume')).toHaveLength(2);
  });

  it('resume: 0 gives the original error, with no resume request', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    const { error } = await collect(completionEvents$('m', hello, options({ resume: 0 })));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(resumeGets()).toHaveLength(0);
  });

  it('end {status: gone} gives the original error', async () => {
    server = await startResumeServer(['Hello'], 'end', [{ chunks: [end('gone')], hold: true }]);
    const { error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect((error as H2oProtocolError).reason).toBe('truncated');
    expect(resumeGets()).toHaveLength(1);
  });

  it('an error status on the channel gives the original error', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ status: 404 }]);
    const { error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(resumeGets()).toHaveLength(1);
  });

  it('spent re-attachments give the original error', async () => {
    const drops = [{ chunks: [update(1, started)] }, { chunks: [update(1, started)] }];
    server = await startResumeServer(['Hello'], 'end', drops);
    const { error } = await collect(completionEvents$('m', hello, options({ resume: 2 })));
    expect((error as H2oProtocolError).reason).toBe('truncated');
    expect(resumeGets()).toHaveLength(2);
  });

  it('unsubscribing during a re-attachment aborts it and sends stop-generating', async () => {
    // The channel gives one new token, then holds the rest back.
    const channel = [{ chunks: replay.slice(0, 5), hold: true }];
    server = await startResumeServer(['Hello'], 'destroy', channel);
    const { values } = await unsubscribeWhen(completionEvents$('m', hello, options()), (v) =>
      v.some((e) => e.type === 'token' && e.text === 'wor'),
    );
    expect(texts(values)).toEqual(['Hello', ', ', 'wor']);
    await until(() => server!.requests.some((r) => r.url.endsWith('/stop-generating')));
    const stop = server.requests.find((r) => r.url.endsWith('/stop-generating'));
    expect(JSON.parse(stop!.body)).toEqual({
      generationId: generationIdSent(),
      seenContentLength: 'Hello, wor'.length,
    });
  });

  it('take() ending during a re-attachment stops the generation too', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    const { values } = await collect(completion$('m', hello, options()).pipe(take(2)));
    expect(values).toEqual(['Hello', ', ']);
    await until(() => server!.requests.some((r) => r.url.endsWith('/stop-generating')));
  });

  it('refuses a resume count that is not an integer >= 0', async () => {
    for (const resume of [-1, 1.5, NaN]) {
      const { error } = await collect(completion$('m', hello, { dialect: 'chat-ui', resume }));
      expect(error).toBeInstanceOf(H2oInputError);
    }
  });
});
